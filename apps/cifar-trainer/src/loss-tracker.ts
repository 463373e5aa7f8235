import type { Tensor } from '@lantern/tensor';

/** A non-finite loss: training stops, naming where, as the trainer's contract says. */
export class DivergedError extends Error {
  override name = 'DivergedError';
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly value: number,
    lr: number,
  ) {
    super(`loss became ${value} at epoch ${epoch}, step ${step}: training diverged; try a smaller --lr (now ${lr})`);
  }
}

/**
 * Sums step losses into the epoch's running loss (the course's `running_loss`) and checks each for NaN/Inf. On a
 * backend that reads synchronously each value is read at once; on an asynchronous one (WebGPU) up to `window` reads
 * stay in flight so the device pipeline is not drained every step.
 */
export class LossTracker {
  runningLoss = 0;
  steps = 0;
  private readonly pending: Array<{ step: number; value: Promise<number> }> = [];

  constructor(
    private readonly epoch: number,
    private readonly lr: number,
    private readonly onStep: (step: number, loss: number) => void,
    private readonly window = 16,
  ) {}

  /** Reads (then disposes) the step's loss. */
  async record(loss: Tensor): Promise<void> {
    const step = ++this.steps;
    if (loss.backend.supportsSyncRead) {
      const value = loss.item();
      loss.dispose();
      return this.accept(step, value);
    }
    const value = loss.data().then((values) => {
      loss.dispose();
      return values[0]!;
    });
    this.pending.push({ step, value });
    if (this.pending.length > this.window) await this.settleOne();
  }

  /** Waits for every read still in flight; call at the end of the epoch. */
  async flush(): Promise<void> {
    while (this.pending.length > 0) await this.settleOne();
  }

  private async settleOne(): Promise<void> {
    const { step, value } = this.pending.shift()!;
    this.accept(step, await value);
  }

  private accept(step: number, value: number): void {
    if (!Number.isFinite(value)) throw new DivergedError(this.epoch, step, value, this.lr);
    this.runningLoss += value;
    this.onStep(step, value);
  }
}
