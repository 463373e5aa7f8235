import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { captureOutput, type JsonLine } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { readCheckpoint } from './checkpoint.js';
import { lossChart } from './terminal-chart.js';

const output = captureOutput();
const workspace = syntheticWorkspace();
const recipe = ['--limit', '8', '--batch-size', '4', '--seed', '0', '--backend', 'cpu'];

/** The points Vega drew, from the accessible labels of its SVG marks: "epoch: 2; accuracy: 13%" and the like. */
function plottedPoints(svg: string): Array<Record<string, string>> {
  const labels = [...svg.matchAll(/aria-label="(epoch: [^"]+)"/g)].map((match) => match[1]!);
  return [...new Set(labels)].map((label) =>
    Object.fromEntries(label.split('; ').map((part) => part.split(': ') as [string, string])),
  );
}

function expectLossesPlotted(svg: string, epochs: JsonLine[]): void {
  const points = plottedPoints(svg).filter((point) => 'mean cross-entropy' in point);
  for (const [series, field] of [
    ['train', 'meanLoss'],
    ['test', 'testLoss'],
  ] as const) {
    const drawn = points
      .filter((point) => point.series === series)
      .map((point) => [Number(point.epoch), Number(point['mean cross-entropy'])]);
    expect(drawn.map(([epoch]) => epoch)).toEqual(epochs.map((line) => line.epoch));
    for (const [index, [, value]] of drawn.entries()) expect(value).toBeCloseTo(epochs[index]![field]!, 9);
  }
}

describe('--plot FILE: loss and accuracy per epoch, drawn with Vega-Lite', () => {
  it('.svg: the mean training loss, the test loss and the test accuracy of each epoch, and a title naming the recipe', async () => {
    const plot = workspace.file('run.svg');
    const run = await runTrainer(
      output,
      workspace,
      ...recipe,
      '--epochs',
      '3',
      '--eval',
      '--model',
      'course-relu',
      '--plot',
      plot,
    );
    expect(run.code, run.stderr).toBe(0);
    const svg = await readFile(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const epochs = run.lines.filter((line) => line.type === 'epoch');
    expectLossesPlotted(svg, epochs);
    const accuracies = plottedPoints(svg).filter((point) => 'accuracy' in point);
    expect(accuracies.map((point) => [Number(point.epoch), point.accuracy])).toEqual(
      epochs.map((line) => [line.epoch, `${Math.round(line.testAccuracy! * 100)}%`]),
    );
    for (const text of ['loss', 'test accuracy', 'the course CNN with ReLU on CIFAR-10 test', 'sgd lr 0.01, batch 4'])
      expect(svg).toContain(`>${text}</text>`);
  });

  it('without --eval: the training loss alone, no accuracy chart', async () => {
    const plot = workspace.file('train-only.svg');
    const run = await runTrainer(output, workspace, ...recipe, '--epochs', '2', '--plot', plot);
    expect(run.code, run.stderr).toBe(0);
    const points = plottedPoints(await readFile(plot, 'utf8'));
    expect(points.map((point) => point.series)).toEqual(['train', 'train']);
    expect(await readFile(plot, 'utf8')).not.toContain('test accuracy');
  });

  it('.png: the same chart rasterised (resvg) at twice the size', async () => {
    const [svgPath, pngPath] = [workspace.file('pair.svg'), workspace.file('pair.png')];
    expect((await runTrainer(output, workspace, ...recipe, '--epochs', '2', '--plot', svgPath)).code).toBe(0);
    expect((await runTrainer(output, workspace, ...recipe, '--epochs', '2', '--plot', pngPath)).code).toBe(0);
    const png = await readFile(pngPath);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const svg = await readFile(svgPath, 'utf8');
    const [, svgWidth, svgHeight] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    expect([width, height]).toEqual([2 * svgWidth!, 2 * svgHeight!]);
  });

  it('after --resume the plot still has every epoch: the checkpoint keeps the history', async () => {
    const [plot, checkpoint] = [workspace.file('resumed.svg'), workspace.file('plot.ckpt')];
    const flags = [...recipe, '--eval', '--plot', plot, '--checkpoint', checkpoint];
    const first = await runTrainer(output, workspace, ...flags, '--epochs', '2');
    const resumed = await runTrainer(output, workspace, ...flags, '--epochs', '3', '--resume');
    expect([first.code, resumed.code]).toEqual([0, 0]);
    const epochs = [...first.lines, ...resumed.lines].filter((line) => line.type === 'epoch');
    expectLossesPlotted(await readFile(plot, 'utf8'), epochs);
    const { history } = (await readCheckpoint(checkpoint))!.state;
    expect(history.map((point) => [point.epoch, point.runningLoss, point.testAccuracy])).toEqual(
      epochs.map((line) => [line.epoch, line.runningLoss, line.testAccuracy]),
    );
  });
});

describe('the terminal chart of the loss', () => {
  it('one column per step when they fit; otherwise each column the mean of an equal share', () => {
    const few = lossChart([3, 2, 1]);
    expect(few[0]).toBe('loss of each of the 3 steps');
    expect(few[1]).toBe('   3.0000 ┼╮  ');
    const many = lossChart(
      Array.from({ length: 120 }, (_, step) => (step < 60 ? 2 : 1)),
      60,
    );
    expect(many[0]).toBe('loss over 120 steps, each column the mean of 2');
    expect(many.slice(1).every((line) => line.length <= 9 + 2 + 60)).toBe(true);
    expect(lossChart([1])).toEqual([]);
  });
});
