import cliProgress from 'cli-progress';

/** A stream that may be a terminal: process.stdout, or a test's stand-in with `isTTY` set. */
export type TerminalStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Where an epoch starts: the bar resumes mid-epoch after a checkpoint, with its running loss so far. */
export interface EpochStart {
  epoch: number;
  epochs: number;
  stepsPerEpoch: number;
  /** Steps of this epoch already taken (a resumed mid-epoch checkpoint), else 0. */
  stepsDone: number;
  runningLoss: number;
  batchSize: number;
  samples: number;
}

/**
 * The bar of one epoch on a terminal, drawn by cli-progress: steps, percent, images/s, ETA and the running loss (the
 * course's sum of step losses), redrawn at most 10 times a second. Images/s counts this process's steps only, so a
 * resumed epoch does not claim the steps of the run before it.
 */
export class EpochProgress {
  private readonly bar: cliProgress.SingleBar;
  private runningLoss: number;
  private readonly started = performance.now();

  constructor(
    terminal: TerminalStream,
    private readonly start: EpochStart,
  ) {
    this.runningLoss = start.runningLoss;
    this.bar = new cliProgress.SingleBar({
      stream: terminal,
      format:
        `epoch ${start.epoch}/${start.epochs} {bar} {percentage}% | {value}/{total} steps | {speed} images/s | ` +
        'ETA {eta_formatted} | running loss {loss}',
      barsize: 24,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    });
    this.bar.start(start.stepsPerEpoch, start.stepsDone, this.payload(start.stepsDone));
  }

  /** Step `step` of the epoch finished with `loss`. */
  step(step: number, loss: number): void {
    this.runningLoss += loss;
    this.bar.update(step, this.payload(step));
  }

  /** Removes the bar from the terminal, so that the epoch's line takes its place. */
  stop(): void {
    this.bar.stop();
  }

  private payload(step: number) {
    const { batchSize, samples, stepsDone } = this.start;
    const images = (count: number) => Math.min(count * batchSize, samples);
    const seconds = (performance.now() - this.started) / 1000;
    const speed = step > stepsDone && seconds > 0 ? (images(step) - images(stepsDone)) / seconds : 0;
    return { speed: speed.toFixed(1), loss: this.runningLoss.toFixed(4) };
  }
}
