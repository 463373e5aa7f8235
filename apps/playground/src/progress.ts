import type { WorkerToPage } from './protocol.js';

/**
 * Turns per-step losses into a few messages a second: each report carries the mean loss of the steps since the last
 * one (a point on the loss curve) and the images per second over that stretch, so the page redraws at a steady rate
 * whether a step takes 2 ms (batch 1 on wasm) or 2 s.
 */
export class ProgressReporter {
  private points: Array<[number, number]> = [];
  private lossSum = 0;
  private lossSteps = 0;
  private globalStep = 0;
  private epoch = 1;
  private stepInEpoch = 0;
  private stepsPerEpoch = 0;
  private images = 0;
  private clockStart = performance.now();
  private lastReport = performance.now();
  private imagesPerSecond = 0;

  constructor(
    private readonly post: (message: WorkerToPage) => void,
    private readonly everyMs = 250,
  ) {}

  record(epoch: number, stepInEpoch: number, stepsPerEpoch: number, loss: number, images: number): void {
    this.epoch = epoch;
    this.stepInEpoch = stepInEpoch;
    this.stepsPerEpoch = stepsPerEpoch;
    this.globalStep++;
    this.lossSum += loss;
    this.lossSteps++;
    this.images += images;
  }

  /** Time that was not training (drawing predictions) is taken off the images/s clock. */
  excludeTime(milliseconds: number): void {
    this.clockStart += milliseconds;
  }

  /** After a pause the images/s clock starts again. */
  restartClock(): void {
    this.images = 0;
    this.clockStart = performance.now();
  }

  flushIfDue(): void {
    if (performance.now() - this.lastReport >= this.everyMs) this.flush();
  }

  /** Posts the points so far; `measure: false` leaves images/s as it was (after a stretch that was not training). */
  flush(measure = true): void {
    if (this.lossSteps > 0) {
      this.points.push([this.globalStep, this.lossSum / this.lossSteps]);
      this.lossSum = 0;
      this.lossSteps = 0;
    }
    const now = performance.now();
    const seconds = (now - this.clockStart) / 1000;
    if (measure && this.images > 0 && seconds > 0) this.imagesPerSecond = this.images / seconds;
    // A fresh window every two seconds keeps the rate current without jumping at every report.
    if (seconds > 2) {
      this.images = 0;
      this.clockStart = now;
    }
    this.lastReport = now;
    if (this.points.length === 0) return;
    const { epoch, stepInEpoch: step, stepsPerEpoch, points, imagesPerSecond } = this;
    this.post({ type: 'progress', epoch, step, stepsPerEpoch, points, imagesPerSecond });
    this.points = [];
  }
}
