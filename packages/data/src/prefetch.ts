/**
 * Background preparation on the calling thread: keeps up to `capacity` results of `produce` ready ahead of the
 * consumer. Production runs in macrotasks, so it fills the time the consumer spends awaiting (a device readback, a
 * file, a timer); it cannot overlap a consumer that computes synchronously without awaiting — worker threads do that.
 */
type Slot<T> =
  | { readonly kind: 'value'; readonly value: T }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: unknown };

const setImmediateIfAny = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/** Lets timers, I/O and the consumer's continuations run before preparation goes on. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (setImmediateIfAny ? setImmediateIfAny(resolve) : setTimeout(resolve, 0)));
}

/** How long preparation may hold the thread before it yields, so a waiting consumer resumes promptly. */
export const preparationSliceMilliseconds = 4;

export function createSliceTimer(): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < preparationSliceMilliseconds) return undefined;
    return yieldToEventLoop().then(() => {
      sliceStart = performance.now();
    });
  };
}

export async function* prefetched<T>(
  produce: () => Promise<IteratorResult<T>>,
  capacity: number,
  onStop: () => void,
): AsyncGenerator<T> {
  const ready: Array<Slot<T>> = [];
  let stopped = false;
  let finished = false;
  let producing = false;
  let wakeConsumer: (() => void) | null = null;

  const pump = async (): Promise<void> => {
    if (producing) return;
    producing = true;
    try {
      while (!stopped && !finished && ready.length < capacity) {
        // The consumer's own continuation runs before the next batch is assembled; preparation fills its waits.
        await yieldToEventLoop();
        if (stopped) break;
        let slot: Slot<T>;
        try {
          const result = await produce();
          slot = result.done ? { kind: 'end' } : { kind: 'value', value: result.value };
        } catch (error) {
          slot = { kind: 'error', error };
        }
        if (stopped) break;
        ready.push(slot);
        if (slot.kind !== 'value') finished = true;
        wakeConsumer?.();
        wakeConsumer = null;
      }
    } finally {
      producing = false;
    }
  };

  try {
    for (;;) {
      while (ready.length === 0) {
        const woken = new Promise<void>((resolve) => (wakeConsumer = resolve));
        void pump();
        await woken;
      }
      const slot = ready.shift()!;
      void pump();
      if (slot.kind === 'error') throw slot.error;
      if (slot.kind === 'end') return;
      yield slot.value;
    }
  } finally {
    stopped = true;
    onStop();
  }
}
