import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cifar10Classes } from '@lantern/data/node';
import { describe, expect, it } from 'vitest';
// The tensorboard package's own reader: TFRecord framing, CRC32C and protocol buffers decoded independently of the writer.
import { readEvents } from '../../../packages/tensorboard/src/testing/event-file-reader.js';
import { captureOutput } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { predictionTable } from './tensorboard-log.js';

const output = captureOutput();
const workspace = syntheticWorkspace();
const recipe = ['--limit', '8', '--epochs', '2', '--seed', '0', '--backend', 'cpu'];

type Event = Awaited<ReturnType<typeof eventsIn>>[number];

/** Every event of every event file in `folder` (not its sub-directories), file by file in name order. */
async function eventsIn(folder: string) {
  const names = (await readdir(folder)).filter((name) => name.startsWith('events.out.tfevents.')).sort();
  const files = await Promise.all(names.map(async (name) => readEvents(new Uint8Array(await readFile(join(folder, name))))));
  return files.flat();
}

/** The (step, value) pairs of a scalar tag, in the order written. */
function scalars(events: Event[], tag: string): Array<[number, number]> {
  return events.flatMap((event) =>
    (event.summary?.value ?? [])
      .filter((value: Event) => value.tag === tag)
      .map((value: Event) => [event.step, value.simple_value]),
  );
}

const summaries = (events: Event[], tag: string) =>
  events.flatMap((event) =>
    (event.summary?.value ?? []).filter((value: Event) => value.tag === tag).map((value: Event) => ({ step: event.step, value })),
  );

describe('--logdir: TensorBoard event files with the tags PyTorch users give them', () => {
  it('train/loss every step with --log-every 1; per epoch running and mean loss, lr, images/s, test accuracy and loss', async () => {
    const logdir = workspace.file('runs/every-step');
    const run = await runTrainer(output, workspace, ...recipe, '--eval', '--log-every', '1', '--logdir', logdir);
    expect(run.code).toBe(0);
    const events = await eventsIn(logdir);
    expect(events[0]!.file_version).toBe('brain.Event:2');
    // --json --log-every 1 prints every step's loss: TensorBoard has each, at its global step, as float32.
    const stepLosses = run.lines.filter((line) => line.type === 'step').map((line) => line.loss);
    expect(stepLosses).toHaveLength(16);
    expect(scalars(events, 'train/loss')).toEqual(stepLosses.map((loss, index) => [index + 1, Math.fround(loss)]));
    const epochs = run.lines.filter((line) => line.type === 'epoch');
    const perEpoch = (field: (line: (typeof epochs)[number]) => number) =>
      epochs.map((line, index) => [8 * (index + 1), Math.fround(field(line))]);
    expect(scalars(events, 'train/running_loss')).toEqual(perEpoch((line) => line.runningLoss));
    expect(scalars(events, 'train/mean_loss')).toEqual(perEpoch((line) => line.meanLoss));
    expect(scalars(events, 'train/images_per_second')).toEqual(perEpoch((line) => line.imagesPerSecond));
    expect(scalars(events, 'train/lr')).toEqual(perEpoch(() => 0.01));
    expect(scalars(events, 'test/accuracy')).toEqual(perEpoch((line) => line.testAccuracy!));
    expect(scalars(events, 'test/loss')).toEqual(perEpoch((line) => line.testLoss!));
    for (const [, loss] of scalars(events, 'test/loss')) expect(loss).toBeGreaterThan(0);
  });

  it('--log-every 3: train/loss is the mean of the steps since the last point', async () => {
    const reference = await runTrainer(output, workspace, ...recipe, '--log-every', '1');
    const losses = reference.lines.filter((line) => line.type === 'step').map((line) => line.loss);
    const logdir = workspace.file('runs/every-third');
    expect((await runTrainer(output, workspace, ...recipe, '--logdir', logdir, '--log-every', '3')).code).toBe(0);
    const mean = (from: number, to: number) => losses.slice(from, to).reduce((sum, loss) => sum + loss, 0) / (to - from);
    expect(scalars(await eventsIn(logdir), 'train/loss').map(([step, value]) => [step, value])).toEqual(
      [3, 6, 9, 12, 15].map((step) => [step, Math.fround(mean(step - 3, step))]),
    );
  });

  it('each epoch: a grid of test images (8 to a row) with a table of predicted and true classes', async () => {
    const logdir = workspace.file('runs/images');
    expect((await runTrainer(output, workspace, ...recipe, '--logdir', logdir)).code).toBe(0);
    const events = await eventsIn(logdir);
    const images = summaries(events, 'test/predictions');
    expect(images.map(({ step }) => step)).toEqual([8, 16]);
    // --limit 8: the first 8 images of the train split (the other split), one row.
    expect(images[0]!.value.image).toMatchObject({ height: 32, width: 256, colorspace: 3 });
    expect([...images[0]!.value.image.encoded_image_string.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    const tables = summaries(events, 'test/predictions/text_summary');
    expect(tables.map(({ step }) => step)).toEqual([8, 16]);
    const text = new TextDecoder().decode(tables[1]!.value.tensor.string_val[0]);
    // The official binary layout: 3073 bytes a record, the label first.
    const firstBatch = await readFile(join(workspace.data, 'cifar-10-batches-bin', 'data_batch_1.bin'));
    const labels = Array.from({ length: 8 }, (_, index) => firstBatch[index * 3073]!);
    const rows = text.split('\n').filter((line) => /^\| \d/.test(line));
    expect(rows).toHaveLength(8);
    rows.forEach((row, index) => {
      const [gridRow, column, predicted, truth, mark] = row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      expect([gridRow, column, truth]).toEqual(['1', String(index + 1), cifar10Classes[labels[index]!]]);
      expect(mark).toBe(predicted === truth ? '✓' : '✗');
    });
  });

  it('--log-histograms: every weight under its PyTorch name and its gradient as <name>.grad, each epoch', async () => {
    const logdir = workspace.file('runs/histograms');
    expect((await runTrainer(output, workspace, ...recipe, '--logdir', logdir, '--log-histograms')).code).toBe(0);
    const events = await eventsIn(logdir);
    const sizes = { 'model1.0.weight': 2400, 'model1.0.bias': 32, 'model1.7.weight': 65536, 'model1.8.bias': 10 };
    for (const [name, size] of Object.entries(sizes)) {
      for (const tag of [name, `${name}.grad`]) {
        const histograms = summaries(events, tag);
        expect(
          histograms.map(({ step }) => step),
          tag,
        ).toEqual([8, 16]);
        expect(histograms[0]!.value.histo.num).toBe(size);
      }
    }
    const tags = new Set(events.flatMap((event) => (event.summary?.value ?? []).map((value: Event) => value.tag)));
    expect([...tags].filter((tag) => tag.startsWith('model1.'))).toHaveLength(20); // 10 parameters, and their gradients
  });

  it('a resumed run tells TensorBoard to drop what came after the checkpoint (purge_step) and continues the steps', async () => {
    const logdir = workspace.file('runs/resumed');
    const checkpoint = workspace.file('tensorboard.ckpt');
    const flags = [...recipe.slice(0, 2), ...recipe.slice(4), '--logdir', logdir, '--log-every', '4', '--checkpoint', checkpoint];
    expect((await runTrainer(output, workspace, ...flags, '--epochs', '1')).code).toBe(0);
    expect((await runTrainer(output, workspace, ...flags, '--epochs', '2', '--resume')).code).toBe(0);
    const names = (await readdir(logdir)).filter((name) => name.startsWith('events.out.tfevents.')).sort();
    expect(names).toHaveLength(2);
    const second = readEvents(new Uint8Array(await readFile(join(logdir, names[1]!))));
    // torch's purge_step: the version record again and a session START, both at the first step the new run logs.
    expect(second.slice(1, 3).map((event) => [event.step, event.file_version ?? event.session_log?.status])).toEqual([
      [9, 'brain.Event:2'],
      [9, 1],
    ]);
    expect(scalars(await eventsIn(logdir), 'train/loss').map(([step]) => step)).toEqual([4, 8, 12, 16]);
  });
});

describe('predictionTable', () => {
  it('names each image by grid row and column, with ✓ where the prediction is right', () => {
    const table = predictionTable({ predicted: [3, 5, ...new Array(7).fill(0)], labels: [3, 4, ...new Array(7).fill(1)] });
    const lines = table.split('\n');
    expect(lines[0]).toBe('1 of 9 test images classified correctly.');
    expect(lines.slice(4, 6)).toEqual(['| 1 | 1 | cat | cat | ✓ |', '| 1 | 2 | dog | deer | ✗ |']);
    expect(lines.at(-1)).toBe('| 2 | 1 | airplane | automobile | ✗ |');
  });
});
