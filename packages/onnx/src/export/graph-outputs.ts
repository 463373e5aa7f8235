import { create } from '@bufbuild/protobuf';
import type { DType, Tensor } from '@lantern/tensor';
import { OnnxExportError } from '../errors.js';
import { NodeProtoSchema, type ValueInfoProto, ValueInfoProtoSchema } from '../proto/generated/onnx_pb.gen.js';
import { onnxDataType } from '../tensor-proto.js';
import type { Dims } from './dynamic-shapes.js';
import type { GraphBuilder } from './graph-builder.js';

/** One graph input or output: its name, dtype, and each dim as a fixed extent or a named dimension. */
export function valueInfo(name: string, dtype: DType, dims: ReadonlyArray<number | string>): ValueInfoProto {
  const dim = dims.map((extent) =>
    typeof extent === 'string'
      ? { value: { case: 'dimParam' as const, value: extent } }
      : { value: { case: 'dimValue' as const, value: BigInt(extent) } },
  );
  return create(ValueInfoProtoSchema, {
    name,
    type: { value: { case: 'tensorType', value: { elemType: onnxDataType[dtype], shape: { dim } } } },
  });
}

/**
 * An output's dims: fixed where its size does not vary with the dynamic inputs; where it does, the name declared
 * in dynamicAxes, else the name of an input dim that varies the same way (the batch), else `<output>_dynamic_axes_<i>`.
 */
export function outputDims(
  name: string,
  dims: Dims,
  declared: ReadonlyMap<number, string> | undefined,
  inputDims: ReadonlyArray<{ dims: Dims; names: ReadonlyMap<number, string> }>,
): Array<number | string> {
  return dims.shape.map((extent, axis) => {
    const named = declared?.get(axis);
    if (named !== undefined) return named;
    if (!dims.dynamic[axis]) return extent;
    for (const input of inputDims) {
      for (const [inputAxis, inputName] of input.names) {
        if (input.dims.shape[inputAxis] === extent && input.dims.alternate[inputAxis] === dims.alternate[axis]) return inputName;
      }
    }
    return `${name}_dynamic_axes_${axis}`;
  });
}

/**
 * Gives each output value its output name: the node that computes it is renamed to write that name, unless the value
 * is a graph input, an initializer, or another output's too, in which case an Identity node copies it.
 */
export function nameOutputs(graph: GraphBuilder, outputs: readonly Tensor[], names: readonly string[]): void {
  const claimed = new Set<string>();
  outputs.forEach((tensor, index) => {
    const name = names[index]!;
    const found = graph.lookup(tensor);
    if ('problem' in found) throw new OnnxExportError(`output '${name}' cannot be exported: ${found.problem}`);
    const producer = graph.nodes.find((node) => node.output.includes(found.name));
    if (!producer || claimed.has(found.name)) {
      const identity = graph.uniqueName('/Identity');
      graph.nodes.push(create(NodeProtoSchema, { name: identity, opType: 'Identity', input: [found.name], output: [name] }));
      claimed.add(name);
      return;
    }
    claimed.add(name);
    graph.renameValue(found.name, name);
  });
}

/** Drops nodes, constants and initializers that no output depends on (max pooling's unused indices, say). */
export function pruneUnused(graph: GraphBuilder, outputNames: readonly string[]): void {
  const needed = new Set(outputNames);
  const kept = [];
  for (let index = graph.nodes.length - 1; index >= 0; index--) {
    const node = graph.nodes[index]!;
    if (!node.output.some((output) => needed.has(output))) continue;
    kept.push(node);
    for (const input of node.input) needed.add(input);
  }
  graph.nodes.splice(0, graph.nodes.length, ...kept.reverse());
  const constants = graph.constants.filter((constant) => needed.has(constant.name));
  graph.constants.splice(0, graph.constants.length, ...constants);
  for (const [tensor, name] of graph.initializers) if (!needed.has(name)) graph.initializers.delete(tensor);
}
