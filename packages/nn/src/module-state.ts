import { InvalidArgumentError, LanternError, type Tensor } from '@lantern/tensor';
import type { AnyModule } from './module.js';
import { Parameter } from './parameter.js';

export interface BufferEntry {
  tensor: Tensor | null;
  readonly persistent: boolean;
}

export interface ModuleState {
  training: boolean;
  readonly parameters: Map<string, Parameter | null>;
  readonly buffers: Map<string, BufferEntry>;
  readonly modules: Map<string, AnyModule | null>;
}

// Internals live outside the instance: a module is a function object (so `model(x)` calls forward), and keeping its
// own properties to the fields a subclass declares is what lets discovery treat those fields as the registry.
export const states = new WeakMap<object, ModuleState>();

export function stateOf(module: AnyModule): ModuleState {
  const state = states.get(module);
  if (!state) throw new LanternError(`${module.constructor.name}: Module's constructor was not called`);
  return state;
}

/** Registers fields that hold a Module or a Parameter under the field's name, in declaration order. */
export function discover(module: AnyModule): ModuleState {
  const state = stateOf(module);
  for (const key of Object.keys(module)) {
    const value = (module as unknown as Record<string, unknown>)[key];
    const isModule = states.has(value as object),
      isParameter = value instanceof Parameter;
    if (isModule || state.modules.has(key)) state.modules.set(key, isModule ? (value as AnyModule) : null);
    if (isParameter || state.parameters.has(key)) state.parameters.set(key, isParameter ? value : null);
  }
  return state;
}

export const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

export function collectModules(module: AnyModule, prefix: string, seen: Set<AnyModule>, into: Array<[string, AnyModule]>): void {
  if (seen.has(module)) return;
  seen.add(module);
  into.push([prefix, module]);
  for (const [name, child] of discover(module).modules) if (child) collectModules(child, join(prefix, name), seen, into);
}

/** A list index that may count from the end, checked against the list's length. */
export function normalizeIndex(owner: string, index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new InvalidArgumentError(`${owner}: index ${index} is out of range for ${length} modules`);
  }
  return index < 0 ? index + length : index;
}
