import { coversStorage, floatBits, type GpuView, stridedParameters } from '../layout.js';
import { convert, elementwiseWorkgroupSize, type KernelRuntime, workgroupsFor } from '../runtime.js';
import { declareBindings, entryPoint, stridedOffsets } from '../wgsl/common.js';

/**
 * Strided copy between views of one shape, converting dtype when they differ: float to int truncates toward zero,
 * anything to bool means "nonzero". Same-dtype copies move raw bits (u32), so NaN payloads and -0 survive.
 */
export function copy(runtime: KernelRuntime, source: GpuView, destination: GpuView): void {
  const sameType = source.dtype === destination.dtype;
  const sourceType = sameType ? 'u32' : runtime.storageType(source.dtype);
  const destinationType = sameType ? 'u32' : runtime.storageType(destination.dtype);
  let from = source;
  let temporary: ReturnType<typeof runtime.gpu.pool.acquire> | null = null;
  if (source.handle.buffer === destination.handle.buffer) {
    // A buffer cannot be bound for reading and writing in one dispatch; overlapping views (x.copy_(x.flip(0))) also
    // need the source read before any of it is overwritten. Copy the source's storage aside first.
    runtime.input(source);
    const bytes = source.handle.size * 4;
    temporary = runtime.gpu.pool.acquire(bytes);
    runtime.gpu.copyBuffer(source.handle.buffer, 0, temporary.buffer, 0, bytes);
    from = { ...source, handle: { ...source.handle, buffer: temporary.buffer, needsZero: false } };
  }
  const parameters = stridedParameters(destination.shape, [from, destination]);
  if (parameters[0] !== 0) {
    const pipeline = runtime.gpu.pipeline(
      `copy:${sourceType}:${destinationType}`,
      () => `${declareBindings([
        { name: 'source', type: sourceType, writable: false },
        { name: 'destination', type: destinationType, writable: true },
      ])}
${stridedOffsets(2)}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  let at = stridedOffsets(index);
  destination[at[1]] = ${convert('source[at[0]]', sourceType, destinationType)};
}`,
    );
    const bindings = [runtime.input(from), runtime.output(destination)];
    runtime.gpu.dispatch(pipeline, bindings, parameters, workgroupsFor(parameters[0]!));
  }
  if (temporary) runtime.gpu.pool.release(temporary.buffer);
}

/** The 32 stored bits of `value` in a dtype: float32 rounding, int32 wrapping (as Int32Array does), bool as 0/1. */
export function storedBits(value: number, dtype: GpuView['dtype']): number {
  if (dtype === 'float32') return floatBits(value);
  if (dtype === 'bool') return value ? 1 : 0;
  return Int32Array.of(value)[0]!;
}

export function fill(runtime: KernelRuntime, destination: GpuView, value: number): void {
  runtime.storageType(destination.dtype);
  // Zeroing a whole storage (a compiled step's replay clears recycled memory so) is the lazy clear fresh storage
  // gets: a clearBuffer in program order when something reads it first, nothing when a kernel overwrites all of it.
  if (value === 0 && coversStorage(destination)) {
    destination.handle.needsZero = true;
    return;
  }
  const parameters = stridedParameters(destination.shape, [destination], [storedBits(value, destination.dtype)]);
  if (parameters[0] === 0) return;
  const pipeline = runtime.gpu.pipeline(
    'fill',
    () => `${declareBindings([{ name: 'destination', type: 'u32', writable: true }])}
${stridedOffsets(1)}
${entryPoint(elementwiseWorkgroupSize)}
  if (index >= u32(params[0])) { return; }
  destination[stridedOffsets(index)[0]] = bitcast<u32>(params[2]);
}`,
  );
  runtime.gpu.dispatch(pipeline, [runtime.output(destination)], parameters, workgroupsFor(parameters[0]!));
}
