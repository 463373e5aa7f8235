import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { compare } from './testing/runtime.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const fence = '```';
const source = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8').trimEnd();

describe('README example', () => {
  it('is the example file verbatim', () => {
    expect(readme).toContain(`${fence}ts\n${source('train-and-run.ts')}\n${fence}`);
  });

  it('trains, exports, and onnxruntime-web gives Lantern’s logits for the exported file', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const example = await import('../examples/train-and-run.js');
      expect(example.onnxLogits).toHaveLength(6);
      const { maxDifference, scale } = compare(example.onnxLogits, example.lanternLogits);
      expect(maxDifference).toBeLessThanOrEqual(1e-5 * scale);
      // Trained, not random: the three points are classified as x + y > 0 says (class 1, 0, 0).
      const predicted = [0, 1, 2].map((row) => (example.onnxLogits[2 * row + 1]! > example.onnxLogits[2 * row]! ? 1 : 0));
      expect(predicted).toEqual([1, 0, 0]);
      expect(log).toHaveBeenCalledTimes(2);
    } finally {
      log.mockRestore();
    }
  });
});
