export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * Turns SIGINT and SIGTERM into a request that the training loop honours between steps (checkpoint, then exit 130 or
 * 143), instead of dying mid-epoch. A second signal quits at once with the signal's default action: checkpoint
 * writes are atomic, so the last checkpoint on disk stays whole either way.
 */
export class StopSignals {
  received: StopSignal | undefined;
  private readonly handlers = new Map<StopSignal, () => void>();

  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => this.receive(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  private receive(signal: StopSignal): void {
    if (this.received !== undefined) {
      this.dispose();
      process.kill(process.pid, signal);
      return;
    }
    this.received = signal;
    this.write(`${signal}: stopping after the current step (send it again to quit at once; the last checkpoint stays whole)`);
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
  }
}
