import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const fence = '```';
const source = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8').trimEnd();

describe('README examples', () => {
  it('shows the example files verbatim', () => {
    for (const name of ['train-tiny-model.ts', 'checkpoint.ts'])
      expect(readme).toContain(`${fence}ts\n${source(name)}\n${fence}`);
  });

  it('trains the tiny model with SGD until it fits y = 2·x₀ − 3·x₁ + 1', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const example = await import('../examples/train-tiny-model.js');
    log.mockRestore();
    expect(example.loss).toBeLessThan(1e-10);
    const [w0, w1] = example.weight.dataSync();
    expect(w0).toBeCloseTo(2, 4);
    expect(w1).toBeCloseTo(-3, 4);
    expect(example.bias.dataSync()[0]).toBeCloseTo(1, 4);
  });

  it('resumes training from a JSON checkpoint exactly where it stopped', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const example = await import('../examples/checkpoint.js');
    log.mockRestore();
    expect([...example.restored.dataSync()]).toEqual([...example.original.dataSync()]);
  });
});
