import { getBackend, keep, LanternError, type Tensor } from '@lantern/tensor';
import { collectModules, discover, join, stateOf, states } from './module-state.js';
import type { Parameter } from './parameter.js';
import {
  type LoadStateDictOptions,
  type LoadStateDictResult,
  loadStateDictInto,
  type StateDict,
  stateDictOf,
} from './state-dict.js';

/** A module of any forward signature, for code that walks module trees. */
// biome-ignore lint/suspicious/noExplicitAny: `unknown` would reject every concrete module (parameters are contravariant).
export type AnyModule = Module<any[], any>;

const inspect = Symbol.for('nodejs.util.inspect.custom');

/** The call signature: `model(x)` runs `model.forward(x)`, as PyTorch's `__call__`. */
export interface Module<Input extends unknown[] = [Tensor], Output = Tensor> {
  // biome-ignore lint/style/useShorthandFunctionType: only an interface merges into the class below.
  (...input: Input): Output;
}

/**
 * Base class of layers and models, as torch.nn.Module. Fields holding a Module or a Parameter are registered under
 * their names in declaration order; buffers are registered with registerBuffer. State-dict keys and layouts are
 * PyTorch's, so a PyTorch `state_dict()` loads one to one.
 * @example
 * class Net extends Module {
 *   model1 = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 *   forward(x: Tensor) { return this.model1(x); }
 * }
 * const net = new Net();
 * Object.keys(net.stateDict()); // ['model1.0.weight', 'model1.0.bias', 'model1.2.weight', 'model1.2.bias']
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor returns a function calling forward().
export abstract class Module<Input extends unknown[] = [Tensor], Output = Tensor> {
  constructor() {
    const module = ((...input: Input) => module.forward(...input)) as unknown as this;
    // A function's own `name` and `length` would collide with fields of those names; a module needs neither.
    delete (module as { name?: unknown }).name;
    delete (module as { length?: unknown }).length;
    Object.setPrototypeOf(module, new.target.prototype);
    states.set(module, { training: true, parameters: new Map(), buffers: new Map(), modules: new Map() });
    // biome-ignore lint/correctness/noConstructorReturn: a module is callable, model(x), so the instance is a function.
    return module;
  }

  abstract forward(...input: Input): Output;

  /** True after train() (the default), false after eval(). */
  get training(): boolean {
    return stateOf(this).training;
  }

  /** Sets training mode here and in every descendant (Dropout and BatchNorm behave differently in each). */
  train(mode = true): this {
    stateOf(this).training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Registers a parameter under a name of your choosing (fields holding a Parameter need no call). */
  registerParameter<T extends Parameter | null>(name: string, parameter: T): T {
    stateOf(this).parameters.set(name, parameter);
    return parameter;
  }

  /** Registers a child module under a name (fields holding a Module need no call). */
  registerModule<T extends AnyModule | null>(name: string, module: T): T {
    stateOf(this).modules.set(name, module);
    return module;
  }

  /** Registers state that is not learned (running statistics); persistent buffers go into the state dict. */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, options: { persistent?: boolean } = {}): T {
    if (tensor) keep(tensor);
    stateOf(this).buffers.set(name, { tensor, persistent: options.persistent ?? true });
    return tensor;
  }

  /** The buffer registered under `name` on this module, or null. */
  protected buffer(name: string): Tensor | null {
    return stateOf(this).buffers.get(name)?.tensor ?? null;
  }

  /** Replaces a registered buffer's tensor (for buffers whose shape can change; running stats update in place). */
  protected setBuffer(name: string, tensor: Tensor): void {
    const entry = stateOf(this).buffers.get(name);
    if (!entry) throw new LanternError(`${this.constructor.name}: no buffer named '${name}'`);
    entry.tensor = keep(tensor);
  }

  namedChildren(): Array<[string, AnyModule]> {
    const seen = new Set<AnyModule>();
    const result: Array<[string, AnyModule]> = [];
    for (const [name, child] of discover(this).modules) {
      if (child && !seen.has(child)) {
        seen.add(child);
        result.push([name, child]);
      }
    }
    return result;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, child]) => child);
  }

  /** This module and every descendant, depth first, each once (shared modules keep their first name). */
  namedModules(prefix = ''): Array<[string, AnyModule]> {
    const result: Array<[string, AnyModule]> = [];
    collectModules(this, prefix, new Set(), result);
    return result;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, module]) => module);
  }

  /** Parameters with their dotted names, in PyTorch's order; a parameter shared by two modules appears once. */
  namedParameters(prefix = '', recurse = true): Array<[string, Parameter]> {
    const modules: Array<[string, AnyModule]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    const seen = new Set<Parameter>();
    const result: Array<[string, Parameter]> = [];
    for (const [path, module] of modules) {
      for (const [name, parameter] of discover(module).parameters) {
        if (parameter && !seen.has(parameter)) {
          seen.add(parameter);
          result.push([join(path, name), parameter]);
        }
      }
    }
    return result;
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, parameter]) => parameter);
  }

  namedBuffers(prefix = '', recurse = true): Array<[string, Tensor]> {
    const modules: Array<[string, AnyModule]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    const result: Array<[string, Tensor]> = [];
    for (const [path, module] of modules) {
      for (const [name, { tensor }] of stateOf(module).buffers) if (tensor) result.push([join(path, name), tensor]);
    }
    return result;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, tensor]) => tensor);
  }

  /** Clears every parameter's gradient: to null by default (PyTorch 2's set_to_none), or to zeros in place. */
  zeroGrad(setToNone = true): void {
    for (const parameter of this.parameters()) {
      // Dispose, not just drop: on wasm and WebGPU the gradient's memory would otherwise wait for the GC.
      if (setToNone) {
        parameter.grad?.dispose();
        parameter.grad = null;
      } else parameter.grad?.zero_();
    }
  }

  /** Calls `fn` on every descendant (children first) and then on this module, as torch's apply; returns this. */
  apply(fn: (module: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Moves every parameter, its gradient and every buffer to a backend by name, in place, as PyTorch's `module.to()`:
   * the Parameter and buffer objects stay the same and only their storage moves (`setData`), so an optimizer built
   * before still updates them. Optimizer state made before the move stays behind, and that optimizer's next step
   * refuses it with a BackendMismatchError naming the parameter: build optimizers after `to()`, as PyTorch advises.
   * @example
   * const model = new Linear(4, 2).to('wasm');
   * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
   */
  to(backend: string): this {
    getBackend(backend);
    const moved = new Set<Tensor>();
    const move = (tensor: Tensor | null) => {
      if (!tensor || moved.has(tensor) || tensor.backend.name === backend) return;
      moved.add(tensor);
      const copy = tensor.to(backend);
      tensor.setData(copy);
      copy.dispose();
    };
    for (const module of this.modules()) {
      const state = discover(module);
      for (const parameter of state.parameters.values()) {
        move(parameter);
        move(parameter?.grad ?? null);
      }
      for (const entry of state.buffers.values()) move(entry.tensor);
    }
    return this;
  }

  /**
   * Parameters and persistent buffers by dotted name, as torch's state_dict(): this module's parameters, then its
   * buffers, then each child's entries. Values are detached views sharing the module's storage.
   */
  stateDict(prefix = ''): StateDict {
    return stateDictOf(this, prefix);
  }

  /**
   * Copies a state dict's values into this module's parameters and buffers (casting dtype and moving backend as
   * needed). Nothing is copied unless everything fits: shape mismatches always throw a StateDictError, and in strict
   * mode (the default) so do missing and unexpected keys.
   */
  loadStateDict(stateDict: StateDict | ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDictInto(this, stateDict, options);
  }

  /** The module at a dotted path (`'model1.0'`), as torch's get_submodule. */
  getSubmodule(target: string): AnyModule {
    let module: AnyModule = this;
    for (const name of target ? target.split('.') : []) {
      const child = discover(module).modules.get(name);
      if (!child) throw new LanternError(`${module.constructor.name} has no submodule '${name}' (looking up '${target}')`);
      module = child;
    }
    return module;
  }

  /** The layer-specific part of toString(), as torch's extra_repr (e.g. `in_features=4, out_features=2`). */
  protected extraRepr(): string {
    return '';
  }

  /** PyTorch's module printout: the class, its settings and its children, indented. */
  toString(): string {
    const lines = this.extraRepr() ? this.extraRepr().split('\n') : [];
    for (const [name, child] of discover(this).modules) {
      if (child) lines.push(`(${name}): ${String(child).split('\n').join('\n  ')}`);
    }
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (lines.length === 1 && discover(this).modules.size === 0) return `${name}(${lines[0]})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }

  [inspect](): string {
    return this.toString();
  }
}
