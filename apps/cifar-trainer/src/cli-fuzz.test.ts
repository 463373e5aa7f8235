import { CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureOutput } from './__fixtures__/cli-output.js';
import { parseOptions, reviewOptions, type TrainerOptions, UsageError } from './options.js';

const output = captureOutput();

// A property test of the command-line parser: random command lines, built from the trainer's own flags and values
// that are valid, nearly valid or hostile, either parse into options that hold what the flags promise (finite
// numbers in range, exact integers) or are refused with a UsageError or commander's error, which names the flag or
// the argument. Never another exception: a flag value must not reach training as NaN, a rounded integer or a string.

const flags = Object.fromEntries(
  [
    ...['--limit', '--epochs', '--batch-size', '--seed', '--threads', '--checkpoint-every', '--log-every'],
    ...['--step-size', '--t-max', '--patience'],
  ].map((flag) => [flag, 'integer']),
) as Record<string, string>;
for (const flag of ['--lr', '--momentum', '--weight-decay', '--label-smoothing', '--clip-grad-norm', '--gamma', '--eta-min'])
  flags[flag] = 'number';
for (const flag of ['--max-lr', '--pct-start', '--factor']) flags[flag] = 'number';
for (const flag of ['--split', '--optimizer', '--backend', '--model', '--lr-scheduler', '--milestones']) flags[flag] = 'text';
for (const flag of ['--data', '--init', '--save', '--checkpoint', '--logdir', '--plot']) flags[flag] = 'path';
const switches = [
  '--download',
  '--nesterov',
  '--shuffle',
  '--no-shuffle',
  '--no-compile',
  '--no-winograd',
  '--resume',
  '--eval',
  '--json',
];
switches.push('--log-histograms', '--augment', '--normalize', '--help', '--frobnicate', '--', '-x');

/** Values that are right, nearly right, or what Number() accepts but a flag must not. */
const value = fc.oneof(
  fc.constantFrom('1', '2', '0', '-1', '0.5', '1e-3', '.5', '5.', '1e', '', ' ', '0x10', '0b1', '1_0', 'NaN', 'Infinity'),
  fc.constantFrom('9007199254740991', '9007199254740993', '4294967296', '1e400', '-0', '+3', '00012', '3,5', '5,3', ',4'),
  fc.constantFrom('sgd', 'adam', 'cpu', 'wasm', 'test', 'train', 'course-bn', 'step', 'multistep', 'onecycle', 'x.svg'),
  fc.integer({ min: -5, max: 100 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.string({ maxLength: 8 }),
);

const argument = fc.oneof(
  fc.tuple(fc.constantFrom(...Object.keys(flags)), value).map(([flag, text]) => [flag, text]),
  fc.tuple(fc.constantFrom(...Object.keys(flags)), value).map(([flag, text]) => [`${flag}=${text}`]),
  fc.constantFrom(...switches).map((flag) => [flag]),
  fc.constantFrom(...Object.keys(flags)).map((flag) => [flag]), // a flag missing its value
  fc.string({ maxLength: 6 }).map((text) => [text]),
);
const commandLine = fc.array(argument, { maxLength: 6 }).map((parts) => parts.flat());

const integerOptions: Array<keyof TrainerOptions> = ['limit', 'epochs', 'batchSize', 'seed', 'threads', 'checkpointEvery'];
integerOptions.push('logEvery', 'stepSize', 'tMax', 'patience');
const numberOptions: Array<keyof TrainerOptions> = ['lr', 'momentum', 'weightDecay', 'labelSmoothing', 'clipGradNorm'];
numberOptions.push('gamma', 'etaMin', 'maxLr', 'pctStart', 'factor');

/** The text each value flag in `argv` was given: `--flag VALUE` or `--flag=VALUE`, up to a `--`. */
function givenValues(argv: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  for (let index = 0; index < args.length && args[index] !== '--'; index++) {
    const [flag, ...rest] = args[index]!.split('=');
    if (!(flag! in flags)) continue;
    if (rest.length > 0) values.set(flag!, rest.join('='));
    else if (index + 1 < args.length) values.set(flag!, args[++index]!);
  }
  return values;
}

describe('the command-line parser under random command lines', () => {
  it('options that hold what the flags promise, or a UsageError or commander error (3,000 runs)', () => {
    fc.assert(
      fc.property(commandLine, (argv) => {
        let options: TrainerOptions;
        try {
          options = parseOptions(argv);
        } catch (error) {
          if (error instanceof UsageError) expect(error.message).toMatch(/--[a-z]/);
          else if (error instanceof CommanderError)
            expect(error.message === '(outputHelp)' || error.message.startsWith('error: ')).toBe(true);
          else throw error;
          return;
        }
        // What each accepted flag was given (the last occurrence wins, as in commander) must be plain decimal text.
        for (const [flag, text] of givenValues(argv)) {
          if (flags[flag] === 'integer') expect(text, flag).toMatch(/^\d+$/);
          if (flags[flag] === 'number') expect(text, flag).toMatch(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/);
        }
        for (const key of integerOptions) {
          const found = options[key];
          if (found !== undefined) expect(Number.isSafeInteger(found), `${key} = ${String(found)}`).toBe(true);
        }
        for (const key of numberOptions) {
          const found = options[key];
          if (found !== undefined) expect(Number.isFinite(found), `${key} = ${String(found)}`).toBe(true);
        }
        expect(options.lr).toBeGreaterThan(0);
        expect(options.epochs).toBeGreaterThanOrEqual(1);
        expect(options.batchSize).toBeGreaterThanOrEqual(1);
        if (options.milestones !== undefined) expect(options.milestones).toMatch(/^[1-9]\d*(,[1-9]\d*)*$/);
        const { options: reviewed, warnings } = reviewOptions(options, 2);
        if (reviewed.threads !== undefined && reviewed.backend === 'wasm') expect(reviewed.threads).toBeLessThanOrEqual(2);
        for (const warning of warnings) expect(warning).toMatch(/^--[a-z-]+ /);
      }),
      { numRuns: 3000 },
    );
    // Commander prints help to stdout and its errors to stderr; the parser itself prints nothing else.
    expect(
      output.stderr
        .join('')
        .split('\n')
        .filter((line) => /^error: (?!option|unknown|too many|missing)/.test(line)),
    ).toEqual([]);
  });
});
