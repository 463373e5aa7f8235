import { spawn } from 'node:child_process';

export interface CommandResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Kill the command after this long; a hung worker pool should fail the test, not stall CI. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command without a shell, collecting its output; never rejects for a non-zero exit (see expectSuccess). */
export function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ command: [command, ...args].join(' '), code, signal, stdout, stderr });
    });
  });
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Describes a finished command for an error message: what ran, how it ended, the end of both streams. */
export function describeResult(result: CommandResult): string {
  return (
    `${result.command}\n  exit code ${result.code}${result.signal ? ` (signal ${result.signal})` : ''}\n` +
    `--- stdout (end) ---\n${tail(result.stdout)}\n--- stderr (end) ---\n${tail(result.stderr)}`
  );
}

/** Throws, naming `what` and showing the command's output, unless it exited with status 0. */
export function expectSuccess(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) throw new Error(`${what} failed:\n${describeResult(result)}`);
  return result;
}

/** The last line of stdout that parses as a JSON object, for programs that print their result as one JSON line. */
export function lastJsonLine<T>(result: CommandResult, what: string): T {
  const lines = result.stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as T;
    } catch {
      // Not JSON after all (a log line starting with a brace): keep looking.
    }
  }
  throw new Error(`${what} printed no JSON result line:\n${describeResult(result)}`);
}
