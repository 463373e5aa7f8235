import { InvalidArgumentError } from 'commander';

/** Thrown for flags that cannot work; the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command-line flag of an option, as commander derives the option's name from it: `weightDecay` ↔ `--weight-decay`. */
export function flagName(option: string): string {
  return `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

// Only plain decimal text is a value: JavaScript's Number() also takes '' and '  ' (as 0), '0x10', '0b1', '1_0'
// is refused but '1e3' is an integer to it, and integers past 2^53 silently round to a neighbour.
const decimalInteger = /^\d+$/;
const decimalNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A commander parser for an integer flag from `minimum` to `maximum` (at most 2^53 - 1, the largest integer a number
 * holds exactly), written in decimal digits; the error names the flag and the value.
 */
export function integer(name: string, minimum: number, maximum = Number.MAX_SAFE_INTEGER) {
  return (value: string) => {
    const parsed = Number(value);
    if (!decimalInteger.test(value) || !Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      const range = maximum === Number.MAX_SAFE_INTEGER ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
      const limit = decimalInteger.test(value) && !Number.isSafeInteger(parsed) ? ` (at most ${Number.MAX_SAFE_INTEGER})` : '';
      throw new InvalidArgumentError(`${name} must be an integer ${range}${limit}, got '${value}'.`);
    }
    return parsed;
  };
}

/** A commander parser for a decimal number flag that passes `check`, described as `expected` in the error. */
export function number(name: string, check: (value: number) => boolean, expected: string) {
  return (value: string) => {
    const parsed = Number(value);
    if (!decimalNumber.test(value) || !Number.isFinite(parsed) || !check(parsed))
      throw new InvalidArgumentError(`${name} must be ${expected}, got '${value}'.`);
    return parsed;
  };
}
