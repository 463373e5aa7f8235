import { isFloating, noGrad, Tensor } from '@lantern/tensor';
import { type InvalidEntry, type ShapeMismatch, StateDictError } from './errors.js';
import type { AnyModule } from './module.js';
import { discover, join } from './module-state.js';

/** Parameters and persistent buffers by PyTorch's dotted names (`model1.0.weight`), in PyTorch's order. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shape mismatches are errors either way, as in PyTorch. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  readonly missingKeys: readonly string[];
  readonly unexpectedKeys: readonly string[];
}

/** torch's state_dict order: a module's parameters, then its persistent buffers, then each child's entries. */
export function stateDictOf(module: AnyModule, prefix: string): StateDict {
  const result: StateDict = {};
  const visit = (current: AnyModule, path: string) => {
    const state = discover(current);
    for (const [name, parameter] of state.parameters) if (parameter) result[join(path, name)] = parameter.detach();
    for (const [name, { tensor, persistent }] of state.buffers)
      if (tensor && persistent) result[join(path, name)] = tensor.detach();
    for (const [name, child] of state.modules) if (child) visit(child, join(path, name));
  };
  visit(module, prefix);
  return result;
}

/**
 * Why `value` cannot be copied into `target`, or null. Floating dtypes convert into each other (a float64 checkpoint
 * loads into a float32 model, as in PyTorch); across kinds the numbers would change meaning (truncated to integers,
 * or counts read as weights), so that is refused.
 */
function entryProblem(value: unknown, target: Tensor): string | null {
  if (!(value instanceof Tensor)) return `expected a Tensor, got ${value === null ? 'null' : typeof value}`;
  if (value.isDisposed) return 'the tensor was disposed';
  const kind = (dtype: string) => (isFloating(dtype as Tensor['dtype']) ? 'floating' : dtype);
  if (kind(value.dtype) !== kind(target.dtype)) {
    return `copying a param of dtype ${value.dtype} from checkpoint, the dtype in current model is ${target.dtype}`;
  }
  return null;
}

/** Validates everything first and copies only then, so a failed load leaves the module as it was. */
export function loadStateDictInto(
  module: AnyModule,
  stateDict: StateDict | ReadonlyMap<string, Tensor>,
  options: LoadStateDictOptions,
): LoadStateDictResult {
  const strict = options.strict ?? true;
  const source = new Map(stateDict instanceof Map ? stateDict : Object.entries(stateDict as StateDict));
  // The state dict's values are views onto the module's own storage, so copying into them loads the module.
  const targets = Object.entries(stateDictOf(module, ''));
  const expected = new Set(targets.map(([key]) => key));
  const missingKeys = targets.map(([key]) => key).filter((key) => !source.has(key));
  const unexpectedKeys = [...source.keys()].filter((key) => !expected.has(key));
  const shapeMismatches: ShapeMismatch[] = [];
  const invalidEntries: InvalidEntry[] = [];
  for (const [key, target] of targets) {
    const value = source.get(key);
    if (value === undefined) continue;
    const problem = entryProblem(value, target);
    if (problem) invalidEntries.push({ key, problem });
    else if (value.shape.join() !== target.shape.join())
      shapeMismatches.push({ key, received: value.shape, expected: target.shape });
  }
  const keysWrong = strict && (missingKeys.length > 0 || unexpectedKeys.length > 0);
  if (shapeMismatches.length > 0 || invalidEntries.length > 0 || keysWrong) {
    const [missing, unexpected] = strict ? [missingKeys, unexpectedKeys] : [[], []];
    throw new StateDictError(module.constructor.name, missing, unexpected, shapeMismatches, invalidEntries);
  }
  noGrad(() => {
    for (const [key, target] of targets) {
      const value = source.get(key);
      if (value) target.copy_(value);
    }
  });
  return { missingKeys, unexpectedKeys };
}
