// Runs the trainer in a child process from its TypeScript sources (see typescript-hooks.mjs), for the tests that
// must kill a real process: the crash-at-rename test and the SIGKILL/SIGINT tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixtures = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const trainerEntry = fileURLToPath(new URL('../bin.ts', import.meta.url));

export interface ChildResult {
  /** The exit status, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  /** Extra environment (the crash-at-rename settings). */
  env?: Record<string, string>;
  /** Called for each stdout line; returning a signal sends it to the child (once). */
  onLine?: (line: string) => NodeJS.Signals | undefined;
  /** Receives the child process as soon as it is started. */
  onSpawn?: (child: ChildProcess) => void;
  /** Preloads crash-at-rename.mjs. */
  crashAtRename?: boolean;
}

/** Runs `cifar-trainer ARGS` in a child Node process and resolves when it ends, however it ends. */
export function runChildTrainer(args: readonly string[], options: ChildOptions = {}): Promise<ChildResult> {
  const preload = ['--import', fixtures('./register-typescript.mjs')];
  if (options.crashAtRename) preload.push('--import', fixtures('./crash-at-rename.mjs'));
  const child = spawn(process.execPath, [...preload, trainerEntry, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  let stdout = '',
    stderr = '',
    pending = '',
    signalled = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const signal = options.onLine?.(line);
      if (signal !== undefined && !signalled) {
        signalled = true;
        child.kill(signal);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
