/**
 * Lantern's typed errors. Every error a user can provoke is one of these, so callers can tell a bad shape from a
 * missing kernel with `instanceof` rather than by parsing messages.
 */
export class LanternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Operand shapes that do not fit the op; the message names the op and every shape involved. */
export class ShapeError extends LanternError {}

/** A dtype the op cannot take, or an unknown dtype name. */
export class DTypeError extends LanternError {}

/** A dim argument out of range or repeated. */
export class DimError extends LanternError {}

/** The active backend lacks a kernel; the message names the kernel and the backend. */
export class KernelNotFoundError extends LanternError {
  constructor(
    readonly kernelName: string,
    readonly backendName: string,
  ) {
    super(`kernel '${kernelName}' is not implemented by backend '${backendName}'`);
  }
}

/** A backend name that was never registered, or a backend that failed to initialise. */
export class BackendError extends LanternError {}

/**
 * Tensors of one op on different backends, which no kernel can read together (PyTorch's "Expected all tensors to be
 * on the same device"). Names the op, the backend the op runs on and the one the stray operand lives on.
 */
export class BackendMismatchError extends BackendError {
  constructor(
    readonly op: string,
    readonly expectedBackend: string,
    readonly foundBackend: string,
    detail = '',
    remedy = `move it with .to('${expectedBackend}') (or the others with .to('${foundBackend}'))`,
  ) {
    super(`${op}: expected all tensors on backend '${expectedBackend}', but found one on '${foundBackend}'${detail}; ${remedy}`);
  }
}

/** A second, different fast kernel registered under a name the backend already has (unregister the first one). */
export class DuplicateKernelError extends BackendError {
  constructor(
    readonly kernelName: string,
    readonly backendName: string,
  ) {
    super(
      `fast kernel '${kernelName}' is already registered for backend '${backendName}'; ` +
        `call unregisterFastKernel('${backendName}', '${kernelName}') first to replace it`,
    );
  }
}

/** Misuse of autograd: backward on a non-scalar without a gradient, or through a freed graph, and so on. */
export class AutogradError extends LanternError {}

/** A tensor read or used by an op after `dispose()` (its own, or that of every tensor sharing its storage). */
export class DisposedError extends LanternError {}

/**
 * A step compile() cannot trace faithfully: it reads values on the host, draws random numbers, or takes a parameter as
 * an argument. The message names what the step did and how to keep it eager or restructure it.
 */
export class CompileError extends LanternError {}

/** A synchronous read on a backend that can only read asynchronously. */
export class SyncReadError extends LanternError {}

/**
 * An argument outside its valid range: a dropout probability above 1, channels not divisible by groups, an unknown
 * reduction. Declared in the core so that every package above it throws the same class (nn and losses re-export it).
 */
export class InvalidArgumentError extends LanternError {}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
