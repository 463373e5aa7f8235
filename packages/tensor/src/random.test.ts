import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import fixtures from './__fixtures__/random.json';
import { manualSeed, rand, randint, randn, randperm, zeros } from './index.js';

await registerCpuBackend();

const close = (actual: ArrayLike<number>, expected: number[], tolerance: number) => {
  for (const [i, value] of expected.entries()) expect(Math.abs(actual[i]! - value)).toBeLessThanOrEqual(tolerance);
};

// Values from scripts/generate_random_fixtures.py (PyTorch 1.13.1, CPU generator).
describe('random draws match PyTorch after manualSeed', () => {
  it('rand (float32 and float64)', () => {
    manualSeed(0);
    expect(Array.from(rand([5]).dataSync())).toEqual(fixtures.rand5_seed0);
    manualSeed(42);
    expect(Array.from(rand([3], { dtype: 'float64' }).dataSync())).toEqual(fixtures.rand3_float64_seed42);
  });
  it('randint and randperm', () => {
    manualSeed(1);
    expect(Array.from(randint(0, 10, [8]).dataSync())).toEqual(fixtures.randint_0_10_8_seed1);
    manualSeed(2);
    expect(Array.from(randperm(10).dataSync())).toEqual(fixtures.randperm10_seed2);
  });
  it('uniform_ as used by layer initialisation', () => {
    manualSeed(3);
    expect(Array.from(zeros([6]).uniform_(-0.5, 0.5).dataSync())).toEqual(fixtures.uniform_minus_half_half_6_seed3);
  });
  it('randn (blocks of 16, as PyTorch)', () => {
    manualSeed(4);
    close(randn([20]).dataSync(), fixtures.randn20_seed4, 1e-6);
  });
  it('randn below 16 elements (serial Box-Muller with a cached second value)', () => {
    manualSeed(5);
    close(randn([5]).dataSync(), fixtures.randn5_seed5, 1e-6);
  });
  it('a sequence of draws stays in step', () => {
    manualSeed(6);
    const values = [...rand([2]).dataSync(), ...randint(0, 100, [3]).dataSync()];
    close(values, fixtures.rand_then_randint_seed6, 0);
  });
});
