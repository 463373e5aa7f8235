/**
 * Pause, resume and stop for a loop that runs in a worker. The loop's steps are synchronous, so the worker only
 * hears the page's messages when the loop yields to the event loop: `checkpoint()` yields (through a MessageChannel,
 * which unlike setTimeout is not clamped to 4 ms), at most every `yieldEveryMs`, and waits there while paused.
 */
export class RunControl {
  private paused = false;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private lastYield = performance.now();
  private readonly channel = typeof MessageChannel === 'function' ? new MessageChannel() : null;

  constructor(
    private readonly events: { paused?: () => void; resumed?: () => void } = {},
    private readonly yieldEveryMs = 25,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private yieldToEventLoop(): Promise<void> {
    const channel = this.channel;
    if (!channel) return new Promise((resolve) => setTimeout(resolve, 0));
    return new Promise((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  }

  /** Releases the message channel (in Node an open port would keep the process alive). */
  close(): void {
    this.channel?.port1.close();
    this.channel?.port2.close();
  }

  /** Yields when due; while paused, waits for resume or stop. Resolves with how long it waited paused. */
  async checkpoint(): Promise<{ stop: boolean; pausedMs: number }> {
    if (performance.now() - this.lastYield >= this.yieldEveryMs) {
      await this.yieldToEventLoop();
      this.lastYield = performance.now();
    }
    // The pause message arrives during the yield above, so only now can the loop say it has paused.
    let pausedMs = 0;
    if (this.paused && !this.stopped) {
      this.events.paused?.();
      const start = performance.now();
      while (this.paused && !this.stopped) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
        });
      }
      pausedMs = performance.now() - start;
      if (!this.stopped) this.events.resumed?.();
    }
    this.lastYield = performance.now();
    return { stop: this.stopped, pausedMs };
  }
}
