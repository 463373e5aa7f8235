import { BackendMismatchError, enableGrad, formatShape, keep, noGrad, runEagerly, Tensor } from '@lantern/tensor';
import { OptimizerError } from './errors.js';
import { restoreState } from './state-loading.js';

/** Options every optimizer has; schedulers read and write `lr`. */
export interface OptimizerOptions {
  lr: number;
}

/** Per-parameter state: tensors (momentum buffers, moment estimates), step counts, or null (SGD without momentum). */
export type ParamState = Record<string, Tensor | number | null>;

/** Fields the learning-rate schedulers keep on a parameter group (PyTorch's initial_lr, max_lr, min_lr, ...). */
export interface SchedulerGroupFields {
  initialLr?: number;
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
}

/** A parameter group after construction: its parameters and every option, with the optimizer's defaults filled in. */
export type ParamGroup<Options extends OptimizerOptions = OptimizerOptions> = Options &
  SchedulerGroupFields & { params: Tensor[] };

/** A parameter group as passed in: parameters plus any options that differ from the optimizer's defaults. */
export type ParamGroupInput<Options extends OptimizerOptions = OptimizerOptions> = Partial<Options> & {
  params: Iterable<Tensor> | Tensor;
};

export type Params<Options extends OptimizerOptions = OptimizerOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<Options>>;

/**
 * An optimizer's state as PyTorch lays it out: parameters are replaced by their index in group order, so the dict
 * loads into a fresh optimizer over the same model in another process. It holds only JSON values and tensors;
 * `stateDictToJson` turns it into plain JSON.
 */
export interface OptimizerStateDict {
  /** Per-parameter state keyed by parameter index (a string once the dict has been through JSON). */
  state: Record<string, ParamState>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

export type Closure<Loss> = () => Loss;

/**
 * The base of every optimizer, with torch.optim.Optimizer's data model: parameter groups whose missing options are
 * taken from `defaults`, per-parameter `state`, and an index-based `stateDict()`. Subclasses implement
 * `updateGroup`, which gathers one group's lists and calls the pure update function (`sgd`, `adam`, ...).
 */
export abstract class Optimizer<Options extends OptimizerOptions = OptimizerOptions> {
  readonly paramGroups: ParamGroup<Options>[] = [];
  state = new Map<Tensor, ParamState>();

  /** `defaults` may leave a required option (SGD's lr) undefined: every group must then set it. */
  protected constructor(
    readonly name: string,
    params: Params<Options>,
    readonly defaults: Options,
  ) {
    if (params instanceof Tensor) {
      throw new OptimizerError(
        `${name}: params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor`,
      );
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<Options>>)];
    if (list.length === 0) throw new OptimizerError(`${name}: optimizer got an empty parameter list`);
    const groups =
      list[0] instanceof Tensor
        ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<Options>]
        : (list as ParamGroupInput<Options>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a group (e.g. layers unfrozen for fine-tuning); options it leaves out come from the defaults. */
  addParamGroup(group: ParamGroupInput<Options>): void {
    if (group === null || typeof group !== 'object' || group instanceof Tensor) {
      throw new OptimizerError(`${this.name}: param group must be a dict`);
    }
    const source = group.params;
    if (source instanceof Set) {
      throw new OptimizerError(
        `${this.name}: optimizer parameters need to be organized in ordered collections, but the ordering ` +
          'of tensors in sets will change between runs. Please use a list instead.',
      );
    }
    const params = source instanceof Tensor ? [source] : [...source];
    for (const param of params) {
      if (!(param instanceof Tensor)) {
        throw new OptimizerError(`${this.name}: optimizer can only optimize Tensors, but one of the params is ${typeof param}`);
      }
      if (!param.isLeaf && !param.retainsGrad) throw new OptimizerError(`${this.name}: can't optimize a non-leaf Tensor`);
    }
    const merged: Record<string, unknown> = { ...group, params };
    for (const [key, value] of Object.entries(this.defaults)) {
      if (merged[key] !== undefined) continue;
      if (value === undefined) {
        throw new OptimizerError(
          `${this.name}: parameter group didn't specify a value of required optimization parameter ${key}`,
        );
      }
      merged[key] = Array.isArray(value) ? [...value] : value;
    }
    if (new Set(params).size !== params.length) {
      console.warn(
        `${this.name}: optimizer contains a parameter group with duplicate parameters; ` +
          'in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
      );
    }
    const existing = new Set(this.paramGroups.flatMap((other) => other.params));
    if (params.some((param) => existing.has(param))) {
      throw new OptimizerError(`${this.name}: some parameters appear in more than one parameter group`);
    }
    this.paramGroups.push(merged as unknown as ParamGroup<Options>);
  }

  /**
   * Clears the gradients of every parameter: to null by default (the next backward creates fresh ones, and a
   * parameter that gets none is skipped by step()), or to zeros in place with `setToNone = false`.
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (param.grad === null) continue;
        // Dispose, not just drop: on wasm and WebGPU the gradient's memory would otherwise wait for the GC.
        if (setToNone) {
          param.grad.dispose();
          param.grad = null;
        } else noGrad(() => param.grad!.zero_());
      }
    }
  }

  /**
   * One update of every parameter that has a gradient. `closure`, when given, re-evaluates the model (with grad
   * enabled, before the update) and its result is returned.
   */
  step<Loss = undefined>(closure?: Closure<Loss>): Loss | undefined {
    // Eager on every call of a compiled step (compile() in @lantern/tensor): learning rates and step counts change
    // between calls, so the update is run again rather than replayed.
    return runEagerly(() => {
      const loss = closure ? enableGrad(closure) : undefined;
      this.assertStateBesideParams();
      noGrad(() => {
        for (const group of this.paramGroups) this.updateGroup(group);
      });
      return loss;
    });
  }

  /**
   * Refuses a gradient or state tensor on another backend than its parameter, naming the parameter by its state-dict
   * index: the model was moved (`module.to`) after this optimizer made its state. Checked before any parameter
   * changes, so a refused step updates nothing.
   */
  private assertStateBesideParams(): void {
    let index = 0;
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        const entries: Array<[string, unknown]> = [['gradient', param.grad], ...Object.entries(this.state.get(param) ?? {})];
        for (const [key, value] of entries) {
          if (!(value instanceof Tensor) || value.backend === param.backend) continue;
          const what = key === 'gradient' ? 'the gradient' : `state '${key}'`;
          throw new BackendMismatchError(
            `${this.name}.step`,
            param.backend.name,
            value.backend.name,
            ` (${what} of parameter ${index}, shape ${formatShape(param.shape)})`,
            'build the optimizer after model.to(backend), or move its state there with ' +
              'optimizer.loadStateDict(optimizer.stateDict())',
          );
        }
        index++;
      }
    }
  }

  /** Gathers the parameters of `group` that have gradients, with their state, and applies the update rule. */
  protected abstract updateGroup(group: ParamGroup<Options>): void;

  /** The state of `param`, created empty on first use (PyTorch's defaultdict). */
  protected stateOf(param: Tensor): ParamState {
    let entry = this.state.get(param);
    if (!entry) {
      entry = {};
      this.state.set(param, entry);
    }
    return entry;
  }

  /**
   * The optimizer's state with parameters replaced by indices: parameters are numbered in group order, and `state`
   * is keyed by those numbers. State tensors are returned as they are (not copied), as PyTorch does; serialise the
   * result with `stateDictToJson` to save it.
   */
  stateDict(): OptimizerStateDict {
    const indices = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      params.forEach((param, position) => {
        if (!indices.has(param)) indices.set(param, start + position);
      });
      start += params.length;
      return { ...structuredClone(options as Record<string, unknown>), params: params.map((param) => indices.get(param)!) };
    });
    const state: Record<string, ParamState> = {};
    for (const [param, entry] of this.state) {
      const index = indices.get(param);
      if (index !== undefined) state[String(index)] = { ...entry };
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from `stateDict()` (possibly through JSON and another process). Groups must match this
   * optimizer's in number and size, and state tensors their parameter's shape (an OptimizerError names the parameter
   * otherwise, and nothing changes); state tensors are copied, cast to their parameter's dtype (all but `step`) and
   * moved to its backend, as torch.optim does. Loading an optimizer's own state dict moves its state to where its
   * parameters now are.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const { state, options } = restoreState(this.name, this.paramGroups, stateDict);
    this.state = state;
    options.forEach((groupOptions, index) => {
      const target = this.paramGroups[index]!;
      this.paramGroups[index] = { ...structuredClone(groupOptions), params: target.params } as ParamGroup<Options>;
    });
  }
}

/** Reads a state entry that must be a tensor; a missing one means the state dict does not fit this optimizer. */
export function stateTensor(optimizer: string, state: ParamState, key: string): Tensor {
  const value = state[key];
  if (!(value instanceof Tensor)) throw new OptimizerError(`${optimizer}: parameter state is missing the tensor '${key}'`);
  return value;
}

/** A zero tensor shaped like `param`, kept out of any enclosing tidy(): optimizer state outlives the step. */
export function zerosLikeParam(param: Tensor): Tensor {
  return keep(param.zerosLike());
}
