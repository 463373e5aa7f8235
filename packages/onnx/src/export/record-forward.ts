import type { AnyModule } from '@lantern/nn';
import { noGrad, type ObservedOp, Tensor, withOpObserver } from '@lantern/tensor';
import { OnnxExportError } from '../errors.js';

/** An outermost op of the forward pass, with the path of the module whose forward called it ('' for the root). */
export interface RecordedOp extends ObservedOp {
  readonly modulePath: string;
}

export interface RecordedForward {
  readonly inputs: readonly Tensor[];
  readonly ops: readonly RecordedOp[];
  readonly outputs: readonly Tensor[];
}

/** The tensors in an op's result, in a fixed order: the tensor itself, an array's items, a plain object's values. */
export function tensorsIn(value: unknown): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(tensorsIn);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).flatMap(tensorsIn);
  }
  return [];
}

/**
 * Runs `fn` with every module of the tree in eval mode, as PyTorch's exporter does (Dropout is the identity,
 * BatchNorm uses its running statistics), and gives each module its own mode back afterwards.
 */
export function inEvalMode<T>(root: AnyModule, fn: () => T): T {
  const modes = root.modules().map((module) => [module, module.training] as const);
  root.eval();
  try {
    return fn();
  } finally {
    // Parents come before their children here, and train(mode) recurses: each child's own mode is set last.
    for (const [module, training] of modes) module.train(training);
  }
}

// Each module's forward is wrapped for the recording so that ops know which module called them; the wrapper is an
// own property of the module (a module is a function object), removed afterwards to leave the module as it was.
function trackModulePaths(root: AnyModule, stack: string[]): () => void {
  const restores: Array<() => void> = [];
  for (const [path, module] of root.namedModules()) {
    const own = Object.getOwnPropertyDescriptor(module, 'forward');
    const forward = module.forward;
    const tracked = (...input: unknown[]): unknown => {
      stack.push(path);
      try {
        return forward.apply(module, input);
      } finally {
        stack.pop();
      }
    };
    Object.defineProperty(module, 'forward', { value: tracked, configurable: true, writable: true, enumerable: false });
    restores.push(() => {
      if (own) Object.defineProperty(module, 'forward', own);
      else delete (module as { forward?: unknown }).forward;
    });
  }
  return () => {
    for (const restore of restores) restore();
  };
}

/** Runs the module's forward pass on `inputs` (without autograd) and records its outermost ops. */
export function recordForward(module: AnyModule, inputs: readonly Tensor[]): RecordedForward {
  const ops: RecordedOp[] = [];
  const stack: string[] = [];
  const restore = trackModulePaths(module, stack);
  let result: unknown;
  try {
    result = noGrad(() =>
      withOpObserver(
        (op) => ops.push({ ...op, modulePath: stack[stack.length - 1] ?? '' }),
        () => module(...inputs),
      ),
    );
  } finally {
    restore();
  }
  const outputs = tensorsIn(result);
  if (outputs.length === 0) {
    throw new OnnxExportError(`the forward pass of ${module.constructor.name} returned no tensor (got ${String(result)})`);
  }
  return { inputs, ops, outputs };
}
