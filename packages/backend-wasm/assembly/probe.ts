import { Probe } from './generated/bridge.gen';

/**
 * Test probe for the thread pool: chunk c writes (thread + 1) to out[c] after `work` iterations of busy work, so a
 * test can check that every chunk ran exactly once and that workers took part.
 */
export function probeTask(chunk: i32, thread: i32, args: usize): void {
  const out = Probe.out(args), work = Probe.work(args);
  let accumulator: i32 = 0;
  for (let i = 0; i < work; i++) accumulator = accumulator * 31 + i;
  const at = out + (<usize>chunk << 2);
  store<i32>(at, load<i32>(at) + thread + 1 + (accumulator == 0x7fffffff ? 1 : 0));
}
