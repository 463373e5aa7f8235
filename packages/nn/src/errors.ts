import { LanternError } from '@lantern/tensor';

/** One parameter or buffer whose shape differs between a state dict and the module loading it. */
export interface ShapeMismatch {
  readonly key: string;
  /** The shape in the state dict being loaded. */
  readonly received: readonly number[];
  /** The shape of the module's own tensor. */
  readonly expected: readonly number[];
}

/**
 * One state-dict entry that cannot be loaded whatever its shape: a dtype of another kind than the module's tensor
 * (an integer or bool tensor for a floating parameter, or the reverse), a value that is not a Tensor, or a disposed
 * tensor. `problem` says which, in words.
 */
export interface InvalidEntry {
  readonly key: string;
  readonly problem: string;
}

/**
 * A state dict that does not fit a module: missing or unexpected keys (strict loading), shape mismatches and invalid
 * entries (always), each listed by name, as PyTorch's load_state_dict reports them.
 */
export class StateDictError extends LanternError {
  constructor(
    readonly moduleName: string,
    readonly missingKeys: readonly string[],
    readonly unexpectedKeys: readonly string[],
    readonly shapeMismatches: readonly ShapeMismatch[],
    readonly invalidEntries: readonly InvalidEntry[] = [],
  ) {
    const quote = (keys: readonly string[]) => keys.map((key) => `"${key}"`).join(', ');
    const lines = [`Error(s) in loading state_dict for ${moduleName}:`];
    if (missingKeys.length > 0) lines.push(`\tMissing key(s) in state_dict: ${quote(missingKeys)}.`);
    if (unexpectedKeys.length > 0) lines.push(`\tUnexpected key(s) in state_dict: ${quote(unexpectedKeys)}.`);
    for (const { key, received, expected } of shapeMismatches) {
      lines.push(
        `\tsize mismatch for ${key}: copying a param with shape [${received.join(', ')}] from checkpoint, ` +
          `the shape in current model is [${expected.join(', ')}].`,
      );
    }
    for (const { key, problem } of invalidEntries) lines.push(`\tinvalid value for ${key}: ${problem}.`);
    super(lines.join('\n'));
  }
}

/** Why a safetensors file was rejected. */
export type SafetensorsErrorReason =
  | 'truncated'
  | 'header-too-large'
  | 'invalid-header'
  | 'unknown-dtype'
  | 'unsupported-dtype'
  | 'invalid-offsets'
  | 'value-out-of-range'
  | 'invalid-tensor';

/** A safetensors file (or a state dict being written as one) that breaks the format; `reason` says how. */
export class SafetensorsError extends LanternError {
  constructor(
    readonly reason: SafetensorsErrorReason,
    message: string,
  ) {
    super(`safetensors: ${message}`);
  }
}
