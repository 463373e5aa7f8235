import { cifar10Classes } from '@lantern/data';
import type { Module } from '@lantern/nn';
import { SummaryWriter } from '@lantern/tensorboard/node';

/** What an epoch adds to TensorBoard: the per-epoch scalars, with the test ones only after an evaluation. */
export interface EpochScalars {
  runningLoss: number;
  meanLoss: number;
  lr: number;
  imagesPerSecond: number;
  testAccuracy?: number;
  testLoss?: number;
}

/** Test images in [0, 1] (NCHW), with the class the model predicted for each and the true one. */
export interface PredictionSample {
  images: { data: Float32Array; shape: number[] };
  predicted: number[];
  labels: number[];
}

/**
 * `--logdir`: the run as TensorBoard shows it, written with PyTorch's SummaryWriter (@lantern/tensorboard), under the
 * tags PyTorch users give them. Every event's step is the global step (steps trained since the run began), so the
 * per-step loss and the per-epoch values share one axis, and a resumed run can tell TensorBoard, with `purgeStep`,
 * to drop what an interrupted run logged after its checkpoint.
 */
export class TensorBoardLog {
  private readonly writer: SummaryWriter;
  private windowSum = 0;
  private windowSteps = 0;

  /** `resumedAt`: the global step of the checkpoint a resumed run continues from. */
  constructor(
    logDir: string,
    private readonly logEvery: number,
    resumedAt?: number,
  ) {
    this.writer = new SummaryWriter(logDir, resumedAt === undefined ? {} : { purgeStep: resumedAt + 1 });
  }

  /** Where the event files go. */
  get logDir(): string {
    return this.writer.getLogdir();
  }

  /** One step's loss; every `logEvery` global steps, `train/loss` is the mean of the steps since the last one. */
  step(globalStep: number, loss: number): void {
    this.windowSum += loss;
    this.windowSteps += 1;
    if (globalStep % this.logEvery !== 0) return;
    this.writer.addScalar('train/loss', this.windowSum / this.windowSteps, globalStep);
    this.windowSum = 0;
    this.windowSteps = 0;
  }

  /** The epoch's scalars, at the global step it ended on; written to disk at once, so TensorBoard sees each epoch. */
  epoch(globalStep: number, scalars: EpochScalars): void {
    const { runningLoss, meanLoss, lr, imagesPerSecond, testAccuracy, testLoss } = scalars;
    this.writer.addScalar('train/running_loss', runningLoss, globalStep);
    this.writer.addScalar('train/mean_loss', meanLoss, globalStep);
    this.writer.addScalar('train/lr', lr, globalStep);
    this.writer.addScalar('train/images_per_second', imagesPerSecond, globalStep);
    if (testAccuracy !== undefined) this.writer.addScalar('test/accuracy', testAccuracy, globalStep);
    if (testLoss !== undefined) this.writer.addScalar('test/loss', testLoss, globalStep);
    this.writer.flush();
  }

  /** `--log-histograms`: every parameter under its PyTorch name, and its gradient from the last step as `<name>.grad`. */
  async histograms(model: Module, globalStep: number): Promise<void> {
    for (const [name, parameter] of model.namedParameters()) {
      // data() rather than the writer's dataSync(): WebGPU tensors read asynchronously.
      this.writer.addHistogram(name, await parameter.data(), globalStep);
      if (parameter.grad) this.writer.addHistogram(`${name}.grad`, await parameter.grad.data(), globalStep);
    }
    this.writer.flush();
  }

  /**
   * The test images as one grid (`test/predictions`, 8 to a row as torch's make_grid tiles them), and under the same
   * tag a text table of each image's predicted and true class, in grid order.
   */
  predictions(sample: PredictionSample, globalStep: number): void {
    this.writer.addImages('test/predictions', sample.images, globalStep);
    this.writer.addText('test/predictions', predictionTable(sample), globalStep);
    this.writer.flush();
  }

  close(): void {
    this.writer.close();
  }
}

/** A Markdown table, one row per image of the grid: its row and column, predicted and true class, and whether they agree. */
export function predictionTable({ predicted, labels }: Pick<PredictionSample, 'predicted' | 'labels'>): string {
  const rows = predicted.map((prediction, index) => {
    const label = labels[index]!;
    const mark = prediction === label ? '✓' : '✗';
    return `| ${Math.floor(index / 8) + 1} | ${(index % 8) + 1} | ${cifar10Classes[prediction]} | ${cifar10Classes[label]} | ${mark} |`;
  });
  const correct = predicted.filter((prediction, index) => prediction === labels[index]).length;
  return [
    `${correct} of ${predicted.length} test images classified correctly.`,
    '',
    '| row | column | predicted | true | |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
