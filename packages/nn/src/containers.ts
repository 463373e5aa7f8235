import { LanternError, type Tensor } from '@lantern/tensor';
import { type AnyModule, Module } from './module.js';
import { normalizeIndex } from './module-state.js';

// The modules stored under '0', '1', …, in order and with repeats: a module listed twice runs twice, as in PyTorch
// (children() lists each module once).
function listed(container: object): AnyModule[] {
  return Object.keys(container)
    .filter((key) => /^\d+$/.test(key))
    .map((key) => (container as Record<string, AnyModule>)[key]!);
}

/**
 * Modules applied in order, as torch's Sequential; children are named '0', '1', …, so a Sequential field `model1`
 * gives state-dict keys `model1.0.weight`. Indexable (`seq[0]`, `seq.at(-1)`) and iterable.
 * @example
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * model(randn([5, 4])).shape // [5, 2]
 */
export class Sequential extends Module {
  readonly [index: number]: AnyModule;

  constructor(...modules: AnyModule[]) {
    super();
    for (const module of modules) this.append(module);
  }

  forward(input: Tensor): Tensor {
    let output = input;
    for (const module of this) output = module(output) as Tensor;
    return output;
  }

  override get length(): number {
    return listed(this).length;
  }

  /** The module at `index`; negative counts from the end. */
  at(index: number): AnyModule {
    return this[normalizeIndex('Sequential', index, this.length)]!;
  }

  /** A new Sequential over the same modules from `start` to `end` (PyTorch's `seq[start:end]`). */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(...listed(this).slice(start, end));
  }

  append(module: AnyModule): this {
    (this as unknown as Record<number, AnyModule>)[this.length] = module;
    return this;
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return listed(this)[Symbol.iterator]();
  }
}

/**
 * A list of modules whose parameters are registered (a plain array's are not), as torch's ModuleList. It has no
 * forward of its own: iterate over it in the owner's forward.
 */
export class ModuleList extends Module<never[], never> {
  readonly [index: number]: AnyModule;

  constructor(modules: Iterable<AnyModule> = []) {
    super();
    this.extend(modules);
  }

  forward(): never {
    throw new LanternError('ModuleList is not callable: iterate over it in the forward of the module that owns it');
  }

  override get length(): number {
    return listed(this).length;
  }

  at(index: number): AnyModule {
    return this[normalizeIndex('ModuleList', index, this.length)]!;
  }

  append(module: AnyModule): this {
    (this as unknown as Record<number, AnyModule>)[this.length] = module;
    return this;
  }

  extend(modules: Iterable<AnyModule>): this {
    for (const module of modules) this.append(module);
    return this;
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return listed(this)[Symbol.iterator]();
  }
}
