import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from './__fixtures__/cli-output.js';
import { main } from './cli.js';
import { parseOptions, reviewOptions } from './options.js';

const output = captureOutput();

// Values JavaScript's Number() would take but a flag must not: '' and ' ' (0), hexadecimal and binary, '1e' (NaN,
// already refused), integers past 2^53 (rounded to a neighbour), fractions for integer flags.
describe('flag values parse strictly: refused with status 2, naming the flag and the value', () => {
  it.each([
    [['--lr', '0x10'], "--lr must be a number > 0, got '0x10'."],
    [['--lr', '1e'], "--lr must be a number > 0, got '1e'."],
    [['--lr', ''], "--lr must be a number > 0, got ''."],
    [['--lr', ' 0.1'], "--lr must be a number > 0, got ' 0.1'."],
    [['--lr', 'Infinity'], "--lr must be a number > 0, got 'Infinity'."],
    [['--momentum', '0b1'], "--momentum must be a number >= 0, got '0b1'."],
    [['--seed', ''], "--seed must be an integer >= 0, got ''."],
    [['--seed', '1.5'], "--seed must be an integer >= 0, got '1.5'."],
    [['--seed', '0x10'], "--seed must be an integer >= 0, got '0x10'."],
    [['--seed', '1e3'], "--seed must be an integer >= 0, got '1e3'."],
    [['--seed', '-1'], "--seed must be an integer >= 0, got '-1'."],
    [['--seed', '9007199254740993'], "--seed must be an integer >= 0 (at most 9007199254740991), got '9007199254740993'."],
    [['--epochs', '0'], "--epochs must be an integer >= 1, got '0'."],
    [['--epochs', '-3'], "--epochs must be an integer >= 1, got '-3'."],
    [['--epochs', ' '], "--epochs must be an integer >= 1, got ' '."],
    [['--batch-size', '0'], "--batch-size must be an integer >= 1, got '0'."],
    [['--batch-size', '1_000'], "--batch-size must be an integer >= 1, got '1_000'."],
    [['--threads', '0'], "--threads must be an integer >= 1, got '0'."],
    [['--limit', '+5'], "--limit must be an integer >= 1, got '+5'."],
    [['--lr-scheduler', 'multistep', '--milestones', '0x10'], '--milestones must be increasing epochs >= 1'],
    [['--lr-scheduler', 'multistep', '--milestones', '5,,9'], '--milestones must be increasing epochs >= 1'],
  ])('%j', async (argv, message) => {
    expect(await main(argv)).toBe(2);
    // Commander's line, which names the flag and the value, then ours, which says what the value must be.
    const flag = argv.at(-2)!;
    const stderr = output.stderr.join('');
    expect(stderr).toContain(`error: option '${flag} <`);
    expect(stderr).toContain(`argument '${argv.at(-1)}' is invalid. ${message}`);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('plain decimal values parse as before', () => {
    const options = parseOptions(['--lr', '1e-3', '--momentum', '.9', '--seed', '9007199254740991', '--epochs', '3']);
    expect([options.lr, options.momentum, options.seed, options.epochs]).toEqual([0.001, 0.9, 9007199254740991, 3]);
    expect(parseOptions(['--lr-scheduler', 'multistep', '--milestones', '2, 5']).milestones).toBe('2,5');
  });
});

describe('flags that parse but would not do what they say: a warning, and --threads cut to the cores', () => {
  const review = (...argv: string[]) => reviewOptions(parseOptions(argv), 2);

  it('--threads beyond the cores is cut to the core count, with a line saying so', () => {
    const { options, warnings } = review('--threads', '256');
    expect(options.threads).toBe(2);
    expect(warnings).toEqual(['--threads 256 is more than the 2 cores here: using 2 threads']);
    expect(review('--threads', '2')).toMatchObject({ options: { threads: 2 }, warnings: [] });
  });

  it('--threads with another backend than wasm, --momentum with Adam: no effect, said once each', () => {
    expect(review('--backend', 'cpu', '--threads', '2').warnings).toEqual([
      "--threads 2 has no effect with --backend cpu (it sets wasm's threads)",
    ]);
    expect(review('--optimizer', 'adam', '--momentum', '0.9').warnings).toEqual([
      "--momentum 0.9 has no effect with --optimizer adam (Adam's moments follow its betas)",
    ]);
    expect(review('--optimizer', 'rmsprop', '--momentum', '0.9').warnings).toEqual([]);
    expect(review('--optimizer', 'adamw').warnings).toEqual([]);
  });

  it('a --seed of 2^32 or more says which seed it amounts to (the generator takes it modulo 2^32)', () => {
    expect(review('--seed', '4294967297').warnings).toEqual([
      '--seed 4294967297 seeds the generator as 1: seeds are taken modulo 2^32, as torch.manual_seed does',
    ]);
    expect(review('--seed', '4294967295').warnings).toEqual([]);
  });

  describe('through the CLI', () => {
    let empty: string;
    beforeAll(async () => {
      empty = await mkdtemp(join(tmpdir(), 'lantern-flag-warnings-'));
    });
    afterAll(() => rm(empty, { recursive: true, force: true }));

    it('the warnings come first, as notices (here before the missing data stops the run)', async () => {
      expect(
        await main(['--data', empty, '--json', '--backend', 'cpu', '--threads', '4', '--optimizer', 'adam', '--momentum', '0.5']),
      ).toBe(2);
      expect(output.jsonLines()).toEqual([
        { type: 'notice', message: "--threads 4 has no effect with --backend cpu (it sets wasm's threads)" },
        { type: 'notice', message: "--momentum 0.5 has no effect with --optimizer adam (Adam's moments follow its betas)" },
      ]);
      expect(output.stderr.join('')).toMatch(/^error: CIFAR-10 not found in /);
    });
  });
});
