/// <reference types="@webgpu/types" />

const computeStage = 0x4; // GPUShaderStage.COMPUTE (a constant, so Node needs no GPU globals)
/** Bind groups kept before the cache starts over (a model's dispatches use a few hundred). */
const maximumGroups = 8192;

/** A compiled kernel: its pipeline, its explicit bind group layout, and an id for the bind group cache. */
export interface KernelPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly id: number;
}

/**
 * The bind group layout a shader's binding declarations describe (wgsl/common.ts declareBindings: storage buffers,
 * read or read_write, then `params`), with the parameters at a dynamic offset: each dispatch's parameters sit at their
 * own place in the batch's arena, so one bind group serves every dispatch of a kernel on the same buffers.
 */
export function bindGroupLayoutOf(device: GPUDevice, code: string): GPUBindGroupLayout {
  const declarations = [...code.matchAll(/@binding\((\d+)\) var<storage, (read_write|read)> (\w+)/g)];
  const entries: GPUBindGroupLayoutEntry[] = declarations.map(([, binding, access, name]) => ({
    binding: Number(binding),
    visibility: computeStage,
    buffer: { type: access === 'read_write' ? 'storage' : 'read-only-storage', hasDynamicOffset: name === 'params' },
  }));
  return device.createBindGroupLayout({ entries });
}

/**
 * Bind groups by kernel, buffers and parameter size, created once and reused: a compiled training step replays the
 * same dispatches on the same buffers every call, so after its first replay it creates none. Any destroyed buffer
 * empties the cache (a group must not outlive its buffers); so does growing past `maximumGroups`.
 */
export class BindGroupCache {
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  created = 0;
  reused = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly parameters: GPUBuffer,
  ) {}

  /** The group binding `buffers` whole, in order, then `parameterSize` bytes of the parameters (offset at dispatch). */
  get(kernel: KernelPipeline, buffers: readonly GPUBuffer[], parameterSize: number): GPUBindGroup {
    const key = `${kernel.id}:${parameterSize}:${buffers.map((buffer) => this.idOf(buffer)).join(',')}`;
    const cached = this.groups.get(key);
    if (cached) {
      this.reused++;
      return cached;
    }
    if (this.groups.size >= maximumGroups) this.groups.clear();
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    entries.push({ binding: buffers.length, resource: { buffer: this.parameters, offset: 0, size: parameterSize } });
    const group = this.device.createBindGroup({ layout: kernel.layout, entries });
    this.groups.set(key, group);
    this.created++;
    return group;
  }

  clear(): void {
    this.groups.clear();
  }

  private idOf(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }
}
