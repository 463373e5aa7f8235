// Preloaded into a child trainer (`node --import`) to stand for a crash in the middle of a checkpoint write: the
// process SIGKILLs itself just before or just after its Nth rename onto LANTERN_CRASH_PATH. It patches
// fs.promises.rename, the one call both the old two-file checkpoint and the new one-file checkpoint commit with, so
// the same test runs against either. Environment: LANTERN_CRASH_PATH (absolute), LANTERN_CRASH_COUNT (N),
// LANTERN_CRASH_WHEN ('before' or 'after').
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

const target = process.env.LANTERN_CRASH_PATH;
const count = Number(process.env.LANTERN_CRASH_COUNT ?? '1');
const when = process.env.LANTERN_CRASH_WHEN ?? 'after';
if (target !== undefined) {
  const rename = fs.promises.rename;
  let seen = 0;
  fs.promises.rename = async (from, to) => {
    const hit = resolve(String(to)) === resolve(target) && ++seen === count;
    if (hit && when === 'before') process.kill(process.pid, 'SIGKILL');
    await rename(from, to);
    if (hit && when === 'after') process.kill(process.pid, 'SIGKILL');
  };
  syncBuiltinESMExports();
}
