import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { captureOutput } from './__fixtures__/cli-output.js';
import { syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { main } from './cli.js';
import { parseOptions } from './options.js';
import { EpochProgress } from './progress.js';
import { humanReporter } from './report.js';
import { train } from './train.js';

/** A stream that says it is a terminal (or not) and keeps what is written to it. */
function fakeTerminal(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return Object.assign(stream, { isTTY, columns: 160, text: () => stripVTControlCharacters(chunks.join('')) });
}

const output = captureOutput();
const workspace = syntheticWorkspace(['test']);

/** Trains with the human reporter drawing on `terminal`; returns the lines it printed. */
async function trainOn(terminal: ReturnType<typeof fakeTerminal>, ...flags: string[]): Promise<string[]> {
  const lines: string[] = [];
  const options = parseOptions(['--data', workspace.data, '--backend', 'cpu', '--seed', '0', ...flags]);
  await train(options, humanReporter({ write: (line) => lines.push(line), terminal }));
  return lines;
}

describe('progress during every epoch', () => {
  it('on a terminal: a bar with steps, percent, images/s, ETA and the running loss, replaced by the epoch line', async () => {
    const terminal = fakeTerminal(true);
    const lines = await trainOn(terminal, '--limit', '24', '--batch-size', '4', '--epochs', '2');
    const drawn = terminal.text();
    const epochLines = lines.filter((line) => line.startsWith('epoch '));
    expect(epochLines).toHaveLength(2);
    for (const [index, line] of epochLines.entries()) {
      const runningLoss = /running loss (\d+\.\d{4})/.exec(line)![1];
      // The last drawing of each epoch's bar: every step done, with the running loss its line then reports.
      expect(drawn).toMatch(
        new RegExp(
          `epoch ${index + 1}/2 [█░]{24} 100% \\| 6/6 steps \\| \\d+\\.\\d images/s \\| ETA \\S+ \\| running loss ${runningLoss}`,
        ),
      );
    }
    expect(drawn).toMatch(/epoch 1\/2 [█░]{24} 0% \| 0\/6 steps \| 0\.0 images\/s/);
    // A finished run on a terminal ends with a chart of every step's loss (asciichart), after the last epoch line.
    const chart = lines.indexOf('loss of each of the 12 steps');
    expect(chart).toBeGreaterThan(lines.indexOf(epochLines[1]!));
    expect(lines.slice(chart + 1).join('\n')).toMatch(/\d\.\d{4} [┤┼]/);
  });

  it('piped (not a terminal): the per-epoch lines only, nothing drawn', async () => {
    const terminal = fakeTerminal(false);
    const lines = await trainOn(terminal, '--limit', '8', '--batch-size', '4', '--epochs', '1');
    expect(terminal.text()).toBe('');
    expect(lines.filter((line) => line.startsWith('epoch 1/1: running loss'))).toHaveLength(1);
    expect(lines.some((line) => line.startsWith('loss '))).toBe(false);
  });

  it('--json on a terminal: still one JSON object per line, no bar', async () => {
    const wasTTY = process.stdout.isTTY;
    process.stdout.isTTY = true;
    try {
      expect(await main(['--data', workspace.data, '--backend', 'cpu', '--limit', '8', '--epochs', '1', '--json'])).toBe(0);
    } finally {
      process.stdout.isTTY = wasTTY;
    }
    const lines = output.stdout.join('').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).type)).toEqual(['epoch']);
  });

  it('a resumed mid-epoch bar starts at the checkpoint step, with the running loss so far', () => {
    const terminal = fakeTerminal(true);
    const start = { epoch: 2, epochs: 3, stepsPerEpoch: 6, stepsDone: 3, runningLoss: 6.5, batchSize: 4, samples: 22 };
    const progress = new EpochProgress(terminal, start);
    expect(terminal.text()).toMatch(/epoch 2\/3 [█░]{24} 50% \| 3\/6 steps \| 0\.0 images\/s \| ETA \S+ \| running loss 6\.5000/);
    progress.step(4, 1.25);
    progress.step(5, 1);
    progress.step(6, 0.5);
    progress.stop();
    expect(terminal.text()).toMatch(/100% \| 6\/6 steps \| \d+\.\d images\/s \| ETA \S+ \| running loss 9\.2500/);
  });
});
