import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import { cat, memory, ones, pad, randn, stack, tidy, zeros } from './index.js';

await registerCpuBackend();

describe('memory()', () => {
  it('counts storages and their elements, and a dispose gives them back at once', () => {
    const before = memory();
    const x = zeros([2, 3]);
    expect(memory()).toEqual({ ...before, storages: before.storages + 1, elements: before.elements + 6 });
    const view = x.transpose(0, 1); // a view shares the storage
    expect(memory().storages).toBe(before.storages + 1);
    x.dispose();
    expect(memory().storages).toBe(before.storages + 1); // the view still holds it
    view.dispose();
    expect(memory()).toEqual(before);
  });

  it('cat, stack and pad hold no storage through views of their own once the caller disposes', () => {
    const before = memory().storages;
    const a = ones([2, 3]),
      b = ones([2, 3]);
    const joined = [cat([a, b], 1), stack([a, b], 0), pad(a, [1, 1])];
    for (const tensor of [a, b, ...joined]) tensor.dispose();
    expect(memory().storages).toBe(before);
  });

  it('counts the storage the garbage collector had to free, so a loop that forgets a dispose shows it', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const before = memory().collected;
    (() => zeros([4]))(); // made and dropped, never disposed
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10)); // finalizers run in a later task
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(memory().collected).toBeGreaterThan(before);
  });

  it('stays flat over repeated tidy steps', () => {
    const weight = randn([8, 4], { requiresGrad: true });
    const step = () =>
      tidy(() => {
        const loss = stack([randn([4]), randn([4])])
          .matmul(weight.t())
          .relu()
          .sum();
        loss.backward();
      });
    step();
    weight.grad!.dispose();
    weight.grad = null;
    const before = memory().storages;
    for (let i = 0; i < 5; i++) {
      step();
      weight.grad!.dispose();
      weight.grad = null;
    }
    expect(memory().storages).toBe(before);
  });
});
