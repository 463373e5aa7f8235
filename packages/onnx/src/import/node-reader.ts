import { fromArray, Tensor } from '@lantern/tensor';
import { OnnxImportError } from '../errors.js';
import type { NodeProto } from '../proto/generated/onnx_pb.gen.js';
import { type DecodedTensor, decodeTensorProto } from '../tensor-proto.js';

/** A value while the graph runs: a tensor, or a constant kept as numbers until an op needs it as a tensor. */
export type GraphValue = Tensor | DecodedTensor;

const isDecoded = (value: GraphValue): value is DecodedTensor => !(value instanceof Tensor);

/** A value as a tensor on `backend` (constants are made tensors when an op takes them as one). */
export function asTensor(value: GraphValue, backend: string | undefined): Tensor {
  return isDecoded(value) ? fromArray(value.values, value.shape, value.dtype, { backend }) : value;
}

/** One node's inputs and attributes, read in the types its operator defines. */
export class NodeReader {
  constructor(
    readonly node: NodeProto,
    private readonly values: ReadonlyMap<string, GraphValue>,
    private readonly backend: string | undefined,
  ) {}

  fail(reason: string): never {
    throw new OnnxImportError(`node '${this.node.name || this.node.output[0]}' (${this.node.opType}): ${reason}`);
  }

  has(index: number): boolean {
    return (this.node.input[index] ?? '') !== '';
  }

  private raw(index: number): GraphValue {
    const name = this.node.input[index] ?? '';
    const value = this.values.get(name);
    if (!name || !value) this.fail(`input ${index} ('${name}') has no value`);
    return value;
  }

  /** Input `index` as a tensor on the model's backend. */
  tensor(index: number): Tensor {
    return asTensor(this.raw(index), this.backend);
  }

  /** Input `index` as plain numbers (shapes, axes, clip bounds): it must be a constant of the graph. */
  numbers(index: number): number[] {
    const value = this.raw(index);
    if (!isDecoded(value)) this.fail(`input ${index} must be a constant (an initializer or a Constant node), not computed`);
    return Array.from(value.values);
  }

  private attribute(name: string) {
    return this.node.attribute.find((entry) => entry.name === name);
  }

  int(name: string, fallback: number): number {
    const entry = this.attribute(name);
    return entry ? Number(entry.i) : fallback;
  }

  ints(name: string, fallback: readonly number[] | null = null): number[] | null {
    const entry = this.attribute(name);
    return entry ? entry.ints.map(Number) : fallback ? [...fallback] : null;
  }

  float(name: string, fallback: number): number {
    const entry = this.attribute(name);
    return entry ? entry.f : fallback;
  }

  string(name: string, fallback: string): string {
    const entry = this.attribute(name);
    return entry ? new TextDecoder().decode(entry.s) : fallback;
  }

  /** The `value` of a Constant node. */
  constantValue(): DecodedTensor {
    const entry = this.attribute('value');
    if (!entry?.t) this.fail('only Constant nodes with a tensor `value` are supported');
    return decodeTensorProto(entry.t);
  }
}
