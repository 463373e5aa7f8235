import { type DType, type Generator, type Pair, type Tensor, toPair, zeros } from '@lantern/tensor';
import { Parameter } from './parameter.js';

/** Where a layer's parameters live and how they are drawn (torch's device/dtype factory arguments, plus a generator). */
export interface LayerOptions {
  dtype?: DType;
  /** Backend name; the active backend when omitted. */
  backend?: string;
  /** Draws the initial weights; the default generator (seeded by manualSeed) when omitted. */
  generator?: Generator;
}

/** A zero-filled parameter, to be initialised in place. */
export function emptyParameter(shape: readonly number[], options: LayerOptions): Parameter {
  return new Parameter(zeros(shape, { dtype: options.dtype ?? 'float32', backend: options.backend }));
}

/** PyTorch's repr of a pair argument: `(5, 5)`. */
export const formatPair = (value: Pair): string => `(${toPair(value).join(', ')})`;

/** A float as Python's repr writes it (`1e-05`, `0.1`, `2.0`), so module printouts read like PyTorch's. */
export function formatFloat(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    return `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
  }
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** Runs a 4-D op on an unbatched [C, H, W] input too, as PyTorch's 2-D layers accept both. */
export function acceptingUnbatched(input: Tensor, run: (batched: Tensor) => Tensor): Tensor {
  return input.ndim === 3 ? run(input.unsqueeze(0)).squeeze(0) : run(input);
}
