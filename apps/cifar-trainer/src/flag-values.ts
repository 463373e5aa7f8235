import { InvalidArgumentError } from 'commander';

/** Thrown for flags that cannot work; the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command-line flag of an option, as commander derives the option's name from it: `weightDecay` ↔ `--weight-decay`. */
export function flagName(option: string): string {
  return `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** A commander parser for an integer flag of at least `minimum`, naming the flag when the value is not one. */
export function integer(name: string, minimum: number) {
  return (value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < minimum)
      throw new InvalidArgumentError(`${name} must be an integer >= ${minimum}, got '${value}'.`);
    return parsed;
  };
}

/** A commander parser for a number flag that passes `check`, described as `expected` in the error. */
export function number(name: string, check: (value: number) => boolean, expected: string) {
  return (value: string) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || !check(parsed))
      throw new InvalidArgumentError(`${name} must be ${expected}, got '${value}'.`);
    return parsed;
  };
}
