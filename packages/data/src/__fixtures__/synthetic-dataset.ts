import { type Tensor, tensor } from '@lantern/tensor';
import type { Dataset } from '../dataset.js';

export interface SyntheticOptions {
  length: number;
  /** getItem throws for this index. */
  failAt?: number;
  workerId?: number;
  seed?: bigint;
}

export type SyntheticSample = { features: Tensor; label: number; workerId: number; seed: string };

/** Sample i: a [2, 3] float32 tensor filled with i, label i % 10, plus which worker built it and that worker's seed. */
export function syntheticDataset(options: SyntheticOptions): Dataset<SyntheticSample> {
  return {
    length: options.length,
    getItem(index) {
      if (index === options.failAt) throw new RangeError(`sample ${index} is unreadable`);
      return {
        features: tensor(new Float32Array(6).fill(index), { shape: [2, 3] }),
        label: index % 10,
        workerId: options.workerId ?? -1,
        seed: String(options.seed ?? -1n),
      };
    },
  };
}
