import { formatShape, keep, noGrad, Tensor } from '@lantern/tensor';
import { OptimizerError } from './errors.js';

type StateValue = Tensor | number | null;
type Restored = Map<Tensor, Record<string, StateValue>>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/**
 * Checks a state dict from `stateDict()` (possibly through JSON and another process) against the optimizer's groups
 * and returns its per-parameter state, copied, and each group's options. Everything is checked before anything is
 * copied: the dict's layout, group sizes, that every state entry belongs to a parameter, and that every state tensor
 * (all but `step`) has its parameter's shape, as torch.optim's state does. Tensors are cast to the parameter's dtype
 * (all but `step`) and moved to its backend, as torch.optim does.
 */
export function restoreState(
  optimizer: string,
  groups: ReadonlyArray<{ readonly params: readonly Tensor[] }>,
  stateDict: unknown,
): { state: Restored; options: Array<Record<string, unknown>> } {
  const fail = (message: string) => new OptimizerError(`${optimizer}: loaded state dict ${message}`);
  if (!isPlainObject(stateDict) || !Array.isArray(stateDict.paramGroups) || !isPlainObject(stateDict.state)) {
    throw fail("must be an object with 'state' and 'paramGroups', as stateDict() returns");
  }
  const saved = stateDict.paramGroups as unknown[];
  if (saved.length !== groups.length) throw fail('has a different number of parameter groups');
  const byIndex = new Map<number, Tensor>();
  const options = saved.map((group, groupIndex) => {
    if (!isPlainObject(group) || !Array.isArray(group.params) || !group.params.every((index) => Number.isInteger(index))) {
      throw fail(`has parameter group ${groupIndex} without a list of integer 'params'`);
    }
    const { params, ...rest } = group;
    if (params.length !== groups[groupIndex]!.params.length) {
      throw fail("contains a parameter group that doesn't match the size of optimizer's group");
    }
    for (const [position, index] of (params as number[]).entries()) byIndex.set(index, groups[groupIndex]!.params[position]!);
    return rest;
  });
  const entries = Object.entries(stateDict.state).map(([key, entry]) => {
    const param = byIndex.get(Number(key));
    if (!param) throw fail(`has state for parameter ${key}, which no group holds`);
    if (!isPlainObject(entry)) throw fail(`has state for parameter ${key} that is ${describe(entry)}, not an object`);
    for (const [name, value] of Object.entries(entry)) checkValue(fail, key, param, name, value);
    return [param, entry as Record<string, StateValue>] as const;
  });
  const state: Restored = new Map();
  for (const [param, entry] of entries) {
    const copied: Record<string, StateValue> = {};
    for (const [name, value] of Object.entries(entry))
      copied[name] = value instanceof Tensor ? copyForParam(value, param, name) : value;
    state.set(param, copied);
  }
  return { state, options };
}

function checkValue(fail: (message: string) => Error, key: string, param: Tensor, name: string, value: unknown): void {
  const where = `state '${name}' for parameter ${key}`;
  if (value === null || typeof value === 'number') return;
  if (!(value instanceof Tensor)) throw fail(`has ${where} that is ${describe(value)}; expected a Tensor, a number or null`);
  if (value.isDisposed) throw fail(`has ${where} that was disposed`);
  const fits = name === 'step' ? value.size === 1 : value.shape.join() === param.shape.join() && value.ndim === param.ndim;
  if (!fits) {
    throw fail(`has ${where} of shape ${formatShape(value.shape)}, but the parameter has shape ${formatShape(param.shape)}`);
  }
}

/** A fresh contiguous copy of a state tensor, on the parameter's backend and (except step counts) in its dtype. */
function copyForParam(value: Tensor, param: Tensor, name: string): Tensor {
  return noGrad(() => {
    const cast = name === 'step' ? value : value.cast(param.dtype);
    return keep(cast.to(param.backend.name).clone());
  });
}
