import { readFileSync } from 'node:fs';
import { expect, it, vi } from 'vitest';

it('the README example is examples/train-cifar-net.ts, and it runs and lowers the loss', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/train-cifar-net.ts', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBe(example);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    await import('../examples/train-cifar-net.js');
  } finally {
    log.mockRestore();
  }
  expect(lines[0]).toBe(
    'model1.0.weight model1.0.bias model1.2.weight model1.2.bias model1.4.weight model1.4.bias ' +
      'model1.7.weight model1.7.bias model1.8.weight model1.8.bias',
  );
  const losses = lines.slice(1).map((line) => Number(/loss (\S+)/.exec(line)![1]));
  expect(losses).toHaveLength(4);
  expect(losses[0]).toBeGreaterThan(2);
  expect(losses[3]).toBeLessThan(losses[0]! - 0.1);
});
