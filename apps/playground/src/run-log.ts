import { memorySink, SummaryWriter } from '@lantern/tensorboard';
import type { TrainingConfig } from './protocol.js';
import type { EpochResult } from './training.js';

/**
 * The run's TensorBoard log, kept in the worker's memory by @lantern/tensorboard's SummaryWriter (the same writer
 * PyTorch users know): the loss at every step and the test accuracy, mean loss and speed at every epoch, under the
 * tags a PyTorch script would use. The page offers the event file as a download; `tensorboard --logdir` reads it.
 */
export class RunLog {
  private readonly writer: SummaryWriter;

  constructor(config: TrainingConfig) {
    this.writer = new SummaryWriter('runs/playground', { sink: memorySink() });
    const rows = Object.entries(config).map(([name, value]) => `| ${name} | ${value ?? 'all'} |`);
    this.writer.addText('config', ['| setting | value |', '| --- | --- |', ...rows].join('\n'), 0);
  }

  step(globalStep: number, loss: number): void {
    this.writer.addScalar('Loss/train', loss, globalStep);
  }

  epoch(result: EpochResult): void {
    this.writer.addScalar('Accuracy/test', result.accuracy, result.epoch);
    this.writer.addScalar('Loss/train_epoch_mean', result.meanLoss, result.epoch);
    this.writer.addScalar('Speed/images_per_second', result.imagesPerSecond, result.epoch);
  }

  /** The event file so far (pending events flushed) and its name, which TensorBoard needs to find it. */
  eventFile(): { bytes: Uint8Array<ArrayBuffer>; fileName: string } {
    return { bytes: this.writer.eventFileBytes(), fileName: this.writer.eventFilePath.split('/').at(-1)! };
  }
}
