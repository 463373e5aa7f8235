import { fileURLToPath } from 'node:url';
import { CIFAR10, ToTensor } from '@lantern/data/node';
import { crossEntropy } from '@lantern/losses';
import { loadSafetensorsFile } from '@lantern/nn/node';
import { fromArray, manualSeed, stack, type Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from './__fixtures__/checkpoint-support.js';
import { captureOutput, type JsonLine } from './__fixtures__/cli-output.js';
import { runTrainer, syntheticWorkspace } from './__fixtures__/synthetic-workspace.js';
import { main } from './cli.js';
import { CourseNet } from './model.js';

const output = captureOutput();
const workspace = syntheticWorkspace();
const recipe = ['--limit', '8', '--batch-size', '2', '--seed', '0', '--backend', 'cpu'];
const epochsOf = (lines: JsonLine[]) => lines.filter((line) => line.type === 'epoch');
const lrs = (lines: JsonLine[]) => epochsOf(lines).map((line) => line.lr);

describe('--model course-relu and course-bn', () => {
  it.each(['course-relu', 'course-bn'])('%s trains, and --save writes the PyTorch module tree', async (model) => {
    const weights = workspace.file(`${model}.safetensors`);
    const run = await runTrainer(output, workspace, ...recipe, '--epochs', '1', '--model', model, '--save', weights);
    expect(run.code, run.stderr).toBe(0);
    expect(Number.isFinite(run.losses[1])).toBe(true);
    manualSeed(0);
    expect(Object.keys((await loadSafetensorsFile(weights)).tensors).sort()).toEqual(
      Object.keys(new CourseNet(model as 'course-bn').stateDict()).sort(),
    );
  });

  it('--init takes a state dict that PyTorch wrote for course-bn (running statistics, int64 num_batches_tracked)', async () => {
    const pytorch = fileURLToPath(new URL('./__fixtures__/course-bn.safetensors', import.meta.url));
    const run = await runTrainer(output, workspace, ...recipe, '--epochs', '1', '--model', 'course-bn', '--init', pytorch);
    expect(run.code, run.stderr).toBe(0);
    const wrongModel = await runTrainer(output, workspace, ...recipe, '--epochs', '1', '--init', pytorch);
    expect(wrongModel.code).toBe(2);
    expect(wrongModel.stderr).toMatch(/model1\.1\.weight/);
  });

  it('a checkpoint keeps its model: resuming with another --model is refused', async () => {
    const checkpoint = workspace.file('model.ckpt');
    expect(
      (await runTrainer(output, workspace, ...recipe, '--epochs', '1', '--model', 'course-bn', '--checkpoint', checkpoint)).code,
    ).toBe(0);
    const refused = await runTrainer(
      output,
      workspace,
      ...recipe,
      '--epochs',
      '2',
      '--model',
      'course-relu',
      '--checkpoint',
      checkpoint,
      '--resume',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "--model course-relu differs from the checkpoint's --model course-bn: its weights are that model's",
    );
    const resumed = await runTrainer(output, workspace, ...recipe, '--epochs', '2', '--checkpoint', checkpoint, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.notices).toContain("resuming with the checkpoint's --model course-bn (the default is --model course)");
  });
});

describe('--lr-scheduler', () => {
  const three = [...recipe, '--epochs', '3'];
  it.each([
    [
      ['step', '--step-size', '1', '--gamma', '0.5'],
      [0.01, 0.005, 0.0025],
    ],
    [
      ['multistep', '--milestones', '2', '--gamma', '0.1'],
      [0.01, 0.01, 0.001],
    ],
    [['cosine'], [0.01, 0.0075, 0.0025]],
    [
      ['cosine', '--t-max', '2', '--eta-min', '0.001'],
      [0.01, 0.0055, 0.001],
    ],
  ])('%j: the learning rate of each epoch, as torch.optim.lr_scheduler sets it', async (flags, expected) => {
    const run = await runTrainer(output, workspace, ...three, '--lr-scheduler', ...flags);
    expect(run.code, run.stderr).toBe(0);
    for (const [index, lr] of lrs(run.lines).entries()) expect(lr).toBeCloseTo(expected[index]!, 12);
  });

  it('onecycle: steps every batch, from max_lr/25 up to --max-lr and down to max_lr/25/1e4 at the last step', async () => {
    const run = await runTrainer(
      output,
      workspace,
      ...three,
      '--lr-scheduler',
      'onecycle',
      '--max-lr',
      '0.05',
      '--log-every',
      '1',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(lrs(run.lines).at(-1)).toBeCloseTo(0.05 / 25 / 1e4, 15);
  });

  it('plateau: cuts the lr by --factor after an epoch whose mean loss did not improve (--patience 0)', async () => {
    const run = await runTrainer(
      output,
      workspace,
      ...three,
      '--lr',
      '0.05',
      '--lr-scheduler',
      'plateau',
      '--patience',
      '0',
      '--factor',
      '0.5',
    );
    expect(run.code, run.stderr).toBe(0);
    const epochs = epochsOf(run.lines);
    let [lr, best] = [0.05, Number.POSITIVE_INFINITY];
    const expected = epochs.map((epoch) => {
      const used = lr;
      if (epoch.meanLoss < best * (1 - 1e-4)) best = epoch.meanLoss;
      else lr *= 0.5;
      return used;
    });
    expect(lrs(run.lines)).toEqual(expected);
  });

  it('step: stopped after epoch 1 and resumed, the schedule and the losses continue as uninterrupted', async () => {
    const flags = ['step', '--step-size', '1', '--gamma', '0.5'];
    const withScheduler = [...recipe, '--momentum', '0.9', '--lr-scheduler', ...flags];
    const straight = await runTrainer(output, workspace, ...withScheduler, '--epochs', '3');
    const checkpoint = workspace.file(`${flags[0]}.ckpt`);
    const first = await runTrainer(output, workspace, ...withScheduler, '--epochs', '1', '--checkpoint', checkpoint);
    expect(first.code).toBe(0);
    const resumed = await runTrainer(
      output,
      workspace,
      ...withScheduler,
      '--epochs',
      '3',
      '--checkpoint',
      checkpoint,
      '--resume',
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect([first.losses[1], resumed.losses[2], resumed.losses[3]]).toEqual([
      straight.losses[1],
      straight.losses[2],
      straight.losses[3],
    ]);
    expect([...lrs(first.lines), ...lrs(resumed.lines)]).toEqual(lrs(straight.lines));
  });

  it('resuming refuses a changed schedule, --lr under a schedule, and a onecycle run longer than its schedule', async () => {
    const checkpoint = workspace.file('refusals.ckpt');
    const base = [...recipe, '--checkpoint', checkpoint];
    expect((await runTrainer(output, workspace, ...base, '--epochs', '1', '--lr-scheduler', 'onecycle')).code).toBe(0);
    const cases: Array<[string[], string]> = [
      [['--lr-scheduler', 'cosine'], "--lr-scheduler cosine differs from the checkpoint's --lr-scheduler onecycle"],
      [['--lr-scheduler', 'onecycle', '--lr', '0.1'], '--lr-scheduler onecycle sets the learning rate'],
      [['--lr-scheduler', 'onecycle', '--pct-start', '0.5'], "--pct-start 0.5 differs from the checkpoint's --pct-start 0.3"],
      [[], "the checkpoint's schedule is 4 steps long and 4 are done, but these flags train 4 more"],
    ];
    for (const [flags, message] of cases) {
      const run = await runTrainer(output, workspace, ...base, '--epochs', '2', '--resume', ...flags);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });
});

describe('--label-smoothing, --clip-grad-norm', () => {
  it("--label-smoothing: the first step's loss is CrossEntropyLoss(label_smoothing) of the fresh model", async () => {
    const run = await runTrainer(output, workspace, ...recipe, '--epochs', '1', '--label-smoothing', '0.2', '--log-every', '1');
    expect(run.code, run.stderr).toBe(0);
    await useCpuBackend();
    const dataset = await CIFAR10({ root: workspace.data, train: false, transform: ToTensor() });
    const [first, second] = [dataset.getItem(0), dataset.getItem(1)];
    manualSeed(0);
    const logits = new CourseNet()(stack([first[0], second[0]])) as Tensor;
    const labels = fromArray(Int32Array.from([first[1], second[1]]), [2], 'int32');
    const steps = run.lines.filter((line) => line.type === 'step');
    expect(steps[0]!.loss).toBeCloseTo(crossEntropy(logits, labels, { labelSmoothing: 0.2 }).item(), 6);
    expect(steps[0]!.loss).not.toBeCloseTo(crossEntropy(logits, labels).item(), 3);
  });

  it('--clip-grad-norm: a tiny bound keeps every step tiny, so the weights stay where they started', async () => {
    const weights = workspace.file('clipped.safetensors');
    const run = await runTrainer(output, workspace, ...recipe, '--epochs', '1', '--clip-grad-norm', '1e-9', '--save', weights);
    expect(run.code, run.stderr).toBe(0);
    manualSeed(0);
    const initial = new CourseNet().stateDict();
    for (const [name, tensor] of Object.entries((await loadSafetensorsFile(weights)).tensors)) {
      const before = initial[name]!.dataSync();
      // Four steps of lr 0.01 with a gradient norm of at most 1e-9 move no weight by more than 4e-11.
      for (const [index, value] of tensor.dataSync().entries()) expect(Math.abs(value - before[index]!)).toBeLessThan(1e-10);
    }
  });
});

describe('--eval ends with the accuracy of each class', () => {
  it('human output: a line per class; --json: a classAccuracy record that adds up to the epoch accuracy', async () => {
    output.clear();
    expect(await main(['--data', workspace.data, ...recipe, '--limit', '16', '--epochs', '1', '--eval'])).toBe(0);
    const lines = output.stdout.join('').trim().split('\n');
    const header = lines.indexOf('accuracy per class on the other split after epoch 1:');
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toMatch(/^ {2}class +accuracy +correct\/total$/);
    expect(lines.slice(header + 2).map((line) => line.trim().split(/\s+/)[0])).toEqual([
      ...['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    ]);
    const run = await runTrainer(output, workspace, ...recipe, '--limit', '16', '--epochs', '1', '--eval');
    const record = run.lines.find((line) => (line.type as string) === 'classAccuracy') as unknown as {
      epoch: number;
      classes: Array<{ class: string; correct: number; total: number; accuracy: number | null }>;
    };
    expect(record.epoch).toBe(1);
    const [correct, total] = [0, 1].map((field) =>
      record.classes.reduce((sum, entry) => sum + (field === 0 ? entry.correct : entry.total), 0),
    );
    expect(total).toBe(16);
    expect(correct / total!).toBe(epochsOf(run.lines)[0]!.testAccuracy);
  });
});
