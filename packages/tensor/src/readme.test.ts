import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');
type ExampleResult = Record<string, number>;
const run = async (name: string): Promise<ExampleResult> =>
  ((await import(`../examples/${name}`)) as { result: ExampleResult }).result;

describe('README examples run and give the results they print', () => {
  it("scalar autograd (micrograd's example)", async () => {
    expect(readme).toContain(example('scalar-autograd.mjs'));
    const result = await run('scalar-autograd.mjs');
    expect(result.g!).toBeCloseTo(24.7041, 4);
    expect(result.gradA!).toBeCloseTo(138.8338, 4);
    expect(result.gradB!).toBeCloseTo(645.5773, 4);
  });
  it('linear regression by gradient descent', async () => {
    expect(readme).toContain(example('linear-regression.mjs'));
    const result = await run('linear-regression.mjs');
    expect(result.weight!).toBeCloseTo(3, 1);
    expect(result.bias!).toBeCloseTo(-2, 1);
    expect(result.loss!).toBeLessThan(0.02);
  });
  it('a compiled step: traced once, replayed after, following the learning rate it is given', async () => {
    expect(readme).toContain(example('compiled-step.mjs'));
    const result = await run('compiled-step.mjs');
    expect(result.weight!).toBeCloseTo(3, 1);
    expect(result.bias!).toBeCloseTo(-2, 1);
    expect(result.replays).toBe(199);
  });
});
