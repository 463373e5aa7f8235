// Where tests find the real CIFAR-10: the environment variable LANTERN_CIFAR10_ROOT names the folder that holds
// cifar-10-batches-bin/. Unset, the real-data tests skip with the reason in their name, except under CI, where they
// must run: there an unset variable fails them, naming it. Shared by @lantern/data's and the trainer's tests so both
// read the same contract.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const realCifar10Variable = 'LANTERN_CIFAR10_ROOT';

/** Under CI (any CI value but 'false' or '0', as CI services set it), the real data is required. */
const required = Boolean(process.env.CI) && !['false', '0'].includes(process.env.CI!);
const root = process.env[realCifar10Variable] || undefined;

export const realCifar10 = {
  /** The folder holding cifar-10-batches-bin/, as the variable gives it; undefined when unset. */
  root,
  /** Skip only outside CI, and only when the variable is unset: a wrong path is a failure, not a skip. */
  skip: root === undefined && !required,
  /** A describe title that says where the data comes from, or why the tests are skipped. */
  title:
    root !== undefined
      ? `real CIFAR-10 from ${realCifar10Variable}=${root}`
      : required
        ? `real CIFAR-10 (${realCifar10Variable} is required under CI)`
        : `real CIFAR-10 (skipped: set ${realCifar10Variable} to the folder holding cifar-10-batches-bin/)`,
};

/** The root, after checking it holds the six official batches; throws naming the variable when it does not. */
export function requireRealCifar10(): string {
  if (root === undefined) {
    throw new Error(
      `${realCifar10Variable} is not set: under CI it must name the folder that holds cifar-10-batches-bin/ (the real CIFAR-10)`,
    );
  }
  const missing = [
    'data_batch_1.bin',
    'data_batch_2.bin',
    'data_batch_3.bin',
    'data_batch_4.bin',
    'data_batch_5.bin',
    'test_batch.bin',
  ].filter((file) => !existsSync(join(root, 'cifar-10-batches-bin', file)));
  if (missing.length > 0) {
    throw new Error(`${realCifar10Variable}=${root}, but ${join(root, 'cifar-10-batches-bin')} lacks ${missing.join(', ')}`);
  }
  return root;
}
