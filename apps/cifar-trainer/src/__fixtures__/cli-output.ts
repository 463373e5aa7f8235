// Test helper: captures what main() writes to stdout and stderr, test by test, so a test reads the CLI's output as a
// user would see it.
import { afterEach, beforeEach, vi } from 'vitest';

/** A line of `--json` output; which fields are there depends on `type` (see report.ts and cli.ts). */
export interface JsonLine {
  type: 'epoch' | 'step' | 'resumed' | 'diverged' | 'notice' | 'interrupted';
  epoch: number;
  step: number;
  loss: number;
  runningLoss: number;
  meanLoss: number;
  imagesPerSecond: number;
  testAccuracy?: number;
  testLoss?: number;
  lr: number;
  completedEpochs: number;
  stepsIntoEpoch: number;
  checkpoint: string;
  message: string;
  signal: string;
}

export interface CapturedOutput {
  readonly stdout: string[];
  readonly stderr: string[];
  /** stdout parsed as the `--json` output: one object per line. */
  jsonLines(): JsonLine[];
  /** Forgets what was written so far (between two runs inside one test). */
  clear(): void;
}

/** Call at the top of a test file: installs the spies before each test and removes them after it. */
export function captureOutput(): CapturedOutput {
  const output = {
    stdout: [] as string[],
    stderr: [] as string[],
    jsonLines: () =>
      output.stdout
        .join('')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as JsonLine),
    clear() {
      output.stdout.length = 0;
      output.stderr.length = 0;
    },
  };
  beforeEach(() => {
    output.clear();
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output.stdout.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      output.stderr.push(String(chunk));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());
  return output;
}
