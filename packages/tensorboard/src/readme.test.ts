import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { decodeHparamsPluginData, readEvents } from './testing/event-file-reader.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const fence = '```';
const source = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8').trimEnd();
const eventsIn = (directory: string) => {
  const [name, ...others] = readdirSync(directory).filter((entry) => entry.startsWith('events.out.tfevents.'));
  expect(others).toEqual([]);
  return readEvents(readFileSync(join(directory, name!)));
};

describe('README examples', () => {
  it('shows the example files verbatim, and the tensorboard command', () => {
    for (const name of ['linear-regression.ts', 'browser-download.ts'])
      expect(readme).toContain(`${fence}ts\n${source(name)}\n${fence}`);
    expect(readme).toContain('tensorboard --logdir runs');
  });

  it('logs the linear regression to runs/linear-regression: loss, parameters, residuals, text and hparams', async () => {
    const workingDirectory = mkdtempSync(join(tmpdir(), 'lantern-tensorboard-readme-'));
    const previous = process.cwd();
    process.chdir(workingDirectory); // the example writes to the relative path runs/linear-regression
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import('../examples/linear-regression.js');
      const run = join(workingDirectory, 'runs', 'linear-regression');
      const values = eventsIn(run)
        .slice(1)
        .map((event) => event.summary.value[0]);
      const losses = values.filter((value) => value.tag === 'loss').map((value) => value.simple_value);
      expect(losses).toHaveLength(100);
      expect(losses[99]).toBeLessThan(0.02);
      expect(losses[99]).toBeLessThan(losses[0] / 100);
      expect(values.filter((value) => value.tag === 'residuals')).toHaveLength(5);
      expect(values[0].tag).toBe('about/text_summary');
      const weights = eventsIn(join(run, 'parameters_weight')).slice(1);
      expect(weights.at(-1)!.summary.value[0].simple_value).toBeCloseTo(3, 1);
      const session = readdirSync(run).find((entry) => /^\d+(\.\d+)?$/.test(entry))!;
      const [, experiment] = eventsIn(join(run, session));
      const plugin = decodeHparamsPluginData(experiment!.summary.value[0].metadata.plugin_data.content);
      expect(plugin.experiment).toMatchObject({ metric_infos: [{ name: { tag: 'hparam/loss' } }] });
      expect(log).toHaveBeenCalledWith(expect.stringContaining('tensorboard --logdir runs'));
    } finally {
      log.mockRestore();
      process.chdir(previous);
      rmSync(workingDirectory, { recursive: true, force: true });
    }
  });

  it('builds the browser download: a Blob holding the event file, ten scalars and an image', async () => {
    const example = await import('../examples/browser-download.js');
    const events = readEvents(new Uint8Array(await example.eventFile.arrayBuffer()));
    expect(events[0]!.file_version).toBe('brain.Event:2');
    expect(events.slice(1).map((event) => event.summary.value[0].tag)).toEqual([...Array(10).fill('loss'), 'checkerboard']);
    expect(events[11]!.summary.value[0].image).toMatchObject({ height: 2, width: 2, colorspace: 3 });
  });
});
