import { registerCpuBackend } from '@lantern/backend-cpu';
import { tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { defaultCollate } from './collate.js';
import { CollateError } from './errors.js';
import { RawImage } from './image.js';

await registerCpuBackend();

describe('defaultCollate (PyTorch default_collate)', () => {
  it('stacks tensors along a new dim 0 and turns integer labels into an int32 tensor', () => {
    const [images, labels] = defaultCollate([
      [
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { dtype: 'float32' },
        ),
        3,
      ],
      [
        tensor(
          [
            [5, 6],
            [7, 8],
          ],
          { dtype: 'float32' },
        ),
        7,
      ],
    ] as Array<[ReturnType<typeof tensor>, number]>);
    expect(images.shape).toEqual([2, 2, 2]);
    expect(images.dtype).toBe('float32');
    expect(images.toArray()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    expect(labels.dtype).toBe('int32');
    expect(labels.toArray()).toEqual([3, 7]);
  });

  it('gives float64 for non-integer numbers (Python floats), bool for booleans, lists for strings', () => {
    expect(defaultCollate([0.5, 2]).dtype).toBe('float64');
    expect(defaultCollate([0.5, 2]).toArray()).toEqual([0.5, 2]);
    const flags = defaultCollate([true, false]);
    expect([flags.dtype, flags.toArray()]).toEqual(['bool', [true, false]]);
    expect(defaultCollate(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('recurses into objects and typed arrays', () => {
    const batch = defaultCollate([
      { features: Float32Array.of(1, 2, 3), id: 1 },
      { features: Float32Array.of(4, 5, 6), id: 2 },
    ]);
    expect(batch.features.shape).toEqual([2, 3]);
    expect(batch.features.dtype).toBe('float32');
    expect(batch.id.toArray()).toEqual([1, 2]);
  });

  it('refuses ragged or mixed batches and raw images with typed errors', () => {
    expect(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(/shape \[2\] \(sample 0\) and \[3\] \(sample 1\)/);
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(CollateError);
    expect(() => defaultCollate<unknown>([1, 'a'])).toThrow(/mixes number \(sample 0\) and string \(sample 1\)/);
    expect(() => defaultCollate([new RawImage(new Uint8Array(3), 1, 1, 3)])).toThrow(/add ToTensor\(\)/);
    expect(() => defaultCollate([])).toThrow(CollateError);
  });
});
