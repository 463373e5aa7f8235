import { LanternError } from '@lantern/tensor';

/** Anything that stops an export: bad options, a forward pass that cannot be recorded, a tensor of unknown origin. */
export class OnnxExportError extends LanternError {}

/**
 * An op the exporter has no ONNX mapping for (or not with these arguments). Names the op as users call it, the
 * module path where the forward pass called it (`''` for the root module's own forward) and why.
 * @example
 * try { await exportOnnx(model, x); } catch (error) { if (error instanceof UnsupportedOpError) console.log(error.op, error.modulePath); }
 */
export class UnsupportedOpError extends OnnxExportError {
  constructor(
    readonly op: string,
    readonly modulePath: string,
    readonly reason: string,
  ) {
    super(`cannot export '${op}' (called in ${modulePath ? `module '${modulePath}'` : 'the root module'}): ${reason}`);
  }
}

/** A file this package cannot read back: not an ONNX model, or a node or data type that importOnnx does not map. */
export class OnnxImportError extends LanternError {}
