import { cifar10Classes } from '@lantern/data';
import { describeBackend } from './backends.js';
import { classAccuracyTable, type Evaluation } from './evaluate.js';
import { modelDescriptions } from './model.js';
import { describeOptimizer } from './optimizer-setup.js';
import type { TrainerOptions } from './options.js';
import { EpochProgress, type EpochStart, type TerminalStream } from './progress.js';
import { lossChart } from './terminal-chart.js';
import type { EpochResult } from './train.js';

export interface Reporter {
  start(options: TrainerOptions, samples: number): void;
  /** Training continues from a checkpoint: after `completedEpochs` epochs and `stepsIntoEpoch` steps of the next. */
  resumed(completedEpochs: number, stepsIntoEpoch: number, checkpoint: string): void;
  /** A line the user must see: a flag that differs from the checkpoint, a missing checkpoint, a stale lock taken over. */
  notice(message: string): void;
  /** An epoch begins (or continues, after a mid-epoch checkpoint). */
  epochStart(start: EpochStart): void;
  step(epoch: number, step: number, loss: number): void;
  epoch(result: EpochResult, epochs: number): void;
  /** At the end of an --eval run: the last evaluation, class by class. */
  classAccuracy(epoch: number, evaluation: Evaluation): void;
  /** Training finished (not interrupted): on a terminal, a chart of the loss. */
  finish(): void;
  /** Training ended, finished or not: stop drawing. */
  close(): void;
}

type Write = (line: string) => void;

export interface HumanOutput {
  /** Writes one line (default: to stdout). */
  write?: Write;
  /** The terminal to draw progress bars on; none (output piped to a file or program): per-epoch lines only. */
  terminal?: TerminalStream;
}

/**
 * Human-readable lines, the running loss first as the course prints it. On a terminal, each epoch also shows a
 * progress bar (progress.ts) that its line replaces when the epoch ends, and a finished run ends with a chart of
 * its steps' losses (terminal-chart.ts).
 */
export function humanReporter(output: HumanOutput = {}): Reporter {
  const { write = (line) => process.stdout.write(`${line}\n`), terminal } = output;
  let progress: EpochProgress | undefined;
  const losses: number[] = [];
  const stopProgress = () => {
    progress?.stop();
    progress = undefined;
  };
  return {
    start: (options, samples) =>
      write(
        `training ${modelDescriptions[options.model]} on CIFAR-10 ${options.split} (${samples} images), batch ${options.batchSize}, ` +
          `${describeOptimizer(options).join(', ')}, ${options.epochs} epochs, backend ${options.backend}` +
          `${describeBackend(options.backend)}, ${options.compile === false ? 'eager' : 'compiled'} steps`,
      ),
    resumed: (completed, steps, checkpoint) =>
      write(
        `resumed from ${checkpoint} ${steps === 0 ? `after epoch ${completed}` : `at step ${steps} of epoch ${completed + 1}`}`,
      ),
    notice: (message) => {
      stopProgress();
      write(`note: ${message}`);
    },
    epochStart: (start) => {
      stopProgress();
      if (terminal?.isTTY) progress = new EpochProgress(terminal, start);
    },
    step: (_epoch, step, loss) => {
      if (terminal?.isTTY) losses.push(loss);
      progress?.step(step, loss);
    },
    epoch: (result, epochs) => {
      stopProgress();
      const accuracy =
        result.testAccuracy === undefined ? '' : `, accuracy on the other split ${(result.testAccuracy * 100).toFixed(2)}%`;
      write(
        `epoch ${result.epoch}/${epochs}: running loss ${result.runningLoss.toFixed(4)} (mean ${result.meanLoss.toFixed(4)}), ` +
          `${result.seconds.toFixed(1)} s, ${result.imagesPerSecond.toFixed(1)} images/s${accuracy}`,
      );
    },
    classAccuracy: (epoch, evaluation) => {
      write(`accuracy per class on the other split after epoch ${epoch}:`);
      for (const line of classAccuracyTable(evaluation)) write(`  ${line}`);
    },
    finish: () => {
      stopProgress();
      if (terminal?.isTTY) for (const line of lossChart(losses)) write(line);
    },
    close: stopProgress,
  };
}

/**
 * One JSON object per line: `epoch` records, `step` records every `logEvery` steps, `resumed` and `notice` records,
 * and at the end of an --eval run a `classAccuracy` record.
 */
export function jsonReporter(logEvery: number | undefined, write: Write = (line) => process.stdout.write(`${line}\n`)): Reporter {
  return {
    start: () => {},
    epochStart: () => {},
    finish: () => {},
    close: () => {},
    classAccuracy: (epoch, { correct, total }) => {
      const classes = cifar10Classes.map((name, index) => ({
        class: name,
        correct: correct[index]!,
        total: total[index]!,
        accuracy: total[index]! === 0 ? null : correct[index]! / total[index]!,
      }));
      write(JSON.stringify({ type: 'classAccuracy', epoch, classes }));
    },
    resumed: (completedEpochs, stepsIntoEpoch, checkpoint) =>
      write(JSON.stringify({ type: 'resumed', completedEpochs, stepsIntoEpoch, checkpoint })),
    notice: (message) => write(JSON.stringify({ type: 'notice', message })),
    step: (epoch, step, loss) => {
      if (logEvery !== undefined && step % logEvery === 0) write(JSON.stringify({ type: 'step', epoch, step, loss }));
    },
    epoch: (result) => {
      const { epoch, runningLoss, meanLoss, imagesPerSecond, lr, testAccuracy, testLoss } = result;
      write(JSON.stringify({ type: 'epoch', epoch, runningLoss, meanLoss, imagesPerSecond, lr, testAccuracy, testLoss }));
    },
  };
}
