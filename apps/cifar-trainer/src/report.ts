import type { TrainerOptions } from './options.js';
import type { EpochResult } from './train.js';

export interface Reporter {
  start(options: TrainerOptions, samples: number): void;
  /** Training continues from a checkpoint: after `completedEpochs` epochs and `stepsIntoEpoch` steps of the next. */
  resumed(completedEpochs: number, stepsIntoEpoch: number, checkpoint: string): void;
  /** A line the user must see: a flag that differs from the checkpoint, a missing checkpoint, a stale lock taken over. */
  notice(message: string): void;
  step(epoch: number, step: number, loss: number): void;
  epoch(result: EpochResult, epochs: number): void;
}

type Write = (line: string) => void;

/** Human-readable lines, the running loss first as the course prints it. */
export function humanReporter(write: Write = (line) => process.stdout.write(`${line}\n`)): Reporter {
  return {
    start: (options, samples) =>
      write(
        `training the course CNN on CIFAR-10 ${options.split} (${samples} images), batch ${options.batchSize}, ` +
          `${options.optimizer} lr ${options.lr}, ${options.epochs} epochs, backend ${options.backend}`,
      ),
    resumed: (completed, steps, checkpoint) =>
      write(
        `resumed from ${checkpoint} ${steps === 0 ? `after epoch ${completed}` : `at step ${steps} of epoch ${completed + 1}`}`,
      ),
    notice: (message) => write(`note: ${message}`),
    step: () => {},
    epoch: (result, epochs) => {
      const accuracy =
        result.testAccuracy === undefined ? '' : `, accuracy on the other split ${(result.testAccuracy * 100).toFixed(2)}%`;
      write(
        `epoch ${result.epoch}/${epochs}: running loss ${result.runningLoss.toFixed(4)} (mean ${result.meanLoss.toFixed(4)}), ` +
          `${result.seconds.toFixed(1)} s, ${result.imagesPerSecond.toFixed(1)} images/s${accuracy}`,
      );
    },
  };
}

/** One JSON object per line: `epoch` records, `step` records every `logEvery` steps, `resumed` and `notice` records. */
export function jsonReporter(logEvery: number | undefined, write: Write = (line) => process.stdout.write(`${line}\n`)): Reporter {
  return {
    start: () => {},
    resumed: (completedEpochs, stepsIntoEpoch, checkpoint) =>
      write(JSON.stringify({ type: 'resumed', completedEpochs, stepsIntoEpoch, checkpoint })),
    notice: (message) => write(JSON.stringify({ type: 'notice', message })),
    step: (epoch, step, loss) => {
      if (logEvery !== undefined && step % logEvery === 0) write(JSON.stringify({ type: 'step', epoch, step, loss }));
    },
    epoch: (result) => {
      const { epoch, runningLoss, meanLoss, imagesPerSecond, testAccuracy } = result;
      write(JSON.stringify({ type: 'epoch', epoch, runningLoss, meanLoss, imagesPerSecond, testAccuracy }));
    },
  };
}
