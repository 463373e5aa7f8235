import { create } from '@bufbuild/protobuf';
import { type DType, formatShape, type Tensor } from '@lantern/tensor';
import { UnsupportedOpError } from '../errors.js';
import {
  type AttributeProto,
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  type TensorProto,
} from '../proto/generated/onnx_pb.gen.js';
import { int64TensorProto, onnxDataType, tensorProto } from '../tensor-proto.js';
import type { Dims, ShapeOracle } from './dynamic-shapes.js';
import type { RecordedOp } from './record-forward.js';

/** Node attributes, typed as ONNX wants them (an INT where the operator says int, a FLOAT where it says float). */
export const attribute = {
  int: (name: string, value: number): AttributeProto =>
    create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) }),
  ints: (name: string, values: readonly number[]): AttributeProto =>
    create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: values.map(BigInt) }),
  float: (name: string, value: number): AttributeProto =>
    create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value }),
  string: (name: string, value: string): AttributeProto =>
    create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(value) }),
};

/** The graph as it is built, op by op: nodes, constants, and the name of every value seen so far. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly constants: TensorProto[] = [];
  /** Parameters and buffers the graph reads, with their PyTorch names, in first-use order. */
  readonly initializers = new Map<Tensor, string>();
  private readonly values = new Map<Tensor, string>();
  private readonly unavailable = new Map<Tensor, string>();
  private readonly usedNames = new Set<string>();

  constructor(
    private readonly parameterNames: ReadonlyMap<Tensor, string>,
    readonly shapes: ShapeOracle,
    readonly opset: number,
  ) {
    for (const name of parameterNames.values()) this.usedNames.add(name);
  }

  addInput(tensor: Tensor, name: string): void {
    this.values.set(tensor, name);
    this.usedNames.add(name);
  }

  /** A name no value or node has yet: `base`, else `base_1`, `base_2`, … */
  uniqueName(base: string): string {
    let name = base;
    for (let suffix = 1; this.usedNames.has(name); suffix++) name = `${base}_${suffix}`;
    this.usedNames.add(name);
    return name;
  }

  /** The value name of a tensor, adding it as an initializer on first use if it is a parameter or buffer. */
  lookup(tensor: Tensor): { name: string } | { problem: string } {
    const known = this.values.get(tensor);
    if (known !== undefined) return { name: known };
    const unavailable = this.unavailable.get(tensor);
    if (unavailable !== undefined) return { problem: unavailable };
    const parameter = this.parameterNames.get(tensor);
    if (parameter !== undefined) {
      this.initializers.set(tensor, parameter);
      this.values.set(tensor, parameter);
      return { name: parameter };
    }
    return {
      problem:
        `it takes a tensor of shape ${formatShape(tensor.shape)} that is not a model input, a registered parameter or buffer, ` +
        'nor the result of an op the exporter recorded: register a tensor made outside forward with registerBuffer, and ' +
        'build tensors inside forward from the input with tensor ops',
    };
  }

  bind(tensor: Tensor, name: string): void {
    if (!this.values.has(tensor)) this.values.set(tensor, name);
  }

  markUnavailable(tensor: Tensor, reason: string): void {
    if (!this.values.has(tensor)) this.unavailable.set(tensor, reason);
  }

  /** Renames a value computed by a node, in every node and for every tensor bound to it. */
  renameValue(from: string, to: string): void {
    this.usedNames.add(to);
    for (const node of this.nodes) {
      node.output = node.output.map((value) => (value === from ? to : value));
      node.input = node.input.map((value) => (value === from ? to : value));
    }
    for (const [tensor, name] of this.values) if (name === from) this.values.set(tensor, to);
  }
}

/** What a mapping sees of one recorded op, and how it adds nodes for it. */
export class OpContext {
  private readonly scope: string;

  constructor(
    private readonly graph: GraphBuilder,
    readonly op: RecordedOp,
  ) {
    this.scope = op.modulePath ? `/${op.modulePath.replaceAll('.', '/')}` : '';
  }

  get inputs(): readonly unknown[] {
    return this.op.inputs;
  }

  get opset(): number {
    return this.graph.opset;
  }

  /** The op's result, which must be one tensor. */
  get output(): Tensor {
    const output = this.op.output as Tensor;
    if (!output || typeof output !== 'object' || !('shape' in output)) this.fail('it does not return a single tensor');
    return output;
  }

  fail(reason: string): never {
    throw new UnsupportedOpError(this.op.name, this.op.modulePath, reason);
  }

  dims(tensor: Tensor): Dims {
    return this.graph.shapes.dims(tensor);
  }

  /** The value name of a tensor input, cast to `dtype` when given and different. */
  value(tensor: Tensor, dtype?: DType): string {
    const found = this.graph.lookup(tensor);
    if ('problem' in found) this.fail(found.problem);
    if (!dtype || dtype === tensor.dtype) return found.name;
    return this.node('Cast', [found.name], [attribute.int('to', onnxDataType[dtype])])[0]!;
  }

  /** A tensor operand as its value, a number as a scalar constant; either in `dtype`. */
  operand(operand: unknown, dtype: DType): string {
    if (typeof operand === 'number') return this.constant(dtype, [], [operand]);
    if (operand && typeof operand === 'object' && 'shape' in operand) return this.value(operand as Tensor, dtype);
    return this.fail(`an operand is ${String(operand)}, neither a tensor nor a number`);
  }

  constant(dtype: DType, shape: readonly number[], values: ArrayLike<number>): string {
    const name = this.constantName();
    this.graph.constants.push(tensorProto(name, dtype, shape, values));
    return name;
  }

  /** A 1-D int64 constant: shapes and axes. */
  int64s(values: readonly number[]): string {
    const name = this.constantName();
    this.graph.constants.push(int64TensorProto(name, values));
    return name;
  }

  // Constants are initializers named as PyTorch names its Constant nodes' outputs: /model1/0/Constant_1_output_0.
  private constantName(): string {
    return this.graph.uniqueName(`${this.graph.uniqueName(`${this.scope}/Constant`)}_output_0`);
  }

  /** Adds a node named after its module path and type (`/model1/0/Conv`); returns its output value names. */
  node(opType: string, inputs: readonly string[], attributes: readonly AttributeProto[] = [], outputCount = 1): string[] {
    const name = this.graph.uniqueName(`${this.scope}/${opType}`);
    const outputs = Array.from({ length: outputCount }, (_, index) => this.graph.uniqueName(`${name}_output_${index}`));
    this.graph.nodes.push(
      create(NodeProtoSchema, { name, opType, input: [...inputs], output: outputs, attribute: [...attributes] }),
    );
    return outputs;
  }

  /** Adds one node whose single output is the op's result. */
  produce(opType: string, inputs: readonly string[], attributes: readonly AttributeProto[] = []): void {
    this.bind(this.output, this.node(opType, inputs, attributes)[0]!);
  }

  bind(tensor: Tensor, name: string): void {
    this.graph.bind(tensor, name);
  }

  /** The op's result is its input's value unchanged (contiguous, clone, dropout in eval): no node. */
  alias(input: Tensor): void {
    this.bind(this.output, this.value(input, this.output.dtype));
  }

  /** A result no later op may use (max pooling's indices), with the reason an op that does will give. */
  markUnavailable(tensor: Tensor, reason: string): void {
    this.graph.markUnavailable(tensor, reason);
  }
}

/** Adds the ONNX nodes for one recorded op (or binds its result to an existing value), or fails naming why not. */
export type OpMapping = (context: OpContext) => void;
