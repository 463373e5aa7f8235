import { create, toBinary } from '@bufbuild/protobuf';
import type { AnyModule } from '@lantern/nn';
import { Tensor, tidy } from '@lantern/tensor';
import { version } from '../../package.json';
import { OnnxExportError } from '../errors.js';
import { mapOp } from '../mappings/index.js';
import { ModelProtoSchema, type TensorProto, type ValueInfoProto } from '../proto/generated/onnx_pb.gen.js';
import { tensorProto } from '../tensor-proto.js';
import { grownInputs, ShapeOracle } from './dynamic-shapes.js';
import { GraphBuilder, OpContext } from './graph-builder.js';
import { nameOutputs, outputDims, pruneUnused, valueInfo } from './graph-outputs.js';
import { type ExportOnnxOptions, type ExportSettings, exportSettings, resolveOutputNames } from './options.js';
import { inEvalMode, type RecordedForward, recordForward } from './record-forward.js';

interface DescribedGraph {
  readonly builder: GraphBuilder;
  readonly inputs: ValueInfoProto[];
  readonly outputs: ValueInfoProto[];
}

// The second pass, on inputs doubled along their dynamic axes, tells which dims of every value vary with them.
function recordGrown(module: AnyModule, inputs: readonly Tensor[], settings: ExportSettings): RecordedForward | null {
  const grown = grownInputs(inputs, settings.inputAxes);
  if (!grown) return null;
  try {
    return recordForward(module, grown);
  } catch (error) {
    const axes = settings.inputNames
      .flatMap((name, index) => [...settings.inputAxes[index]!.keys()].map((axis) => `${name}[${axis}]`))
      .join(', ');
    throw new OnnxExportError(
      `the forward pass fails when the dynamic axes (${axes}) double in size, so they cannot vary in the exported graph: ` +
        `${(error as Error).message}; pass dynamicAxes to name only the axes that can vary ({} for none)`,
    );
  }
}

function parameterNames(module: AnyModule): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  for (const [name, parameter] of module.namedParameters()) names.set(parameter, name);
  for (const [name, buffer] of module.namedBuffers()) if (!names.has(buffer)) names.set(buffer, name);
  return names;
}

function describeGraph(module: AnyModule, inputs: readonly Tensor[], settings: ExportSettings): DescribedGraph {
  const first = recordForward(module, inputs);
  const shapes = new ShapeOracle(first, recordGrown(module, inputs, settings));
  const builder = new GraphBuilder(parameterNames(module), shapes, settings.opset);
  for (const [index, input] of inputs.entries()) builder.addInput(input, settings.inputNames[index]!);
  const outputNames = resolveOutputNames(settings, first.outputs.length);
  for (const name of outputNames) {
    if (builder.uniqueName(name) !== name)
      throw new OnnxExportError(`output name '${name}' is already a parameter or buffer name`);
  }
  for (const op of first.ops) mapOp(new OpContext(builder, op));
  nameOutputs(builder, first.outputs, outputNames);
  pruneUnused(builder, outputNames);
  const inputDims = inputs.map((input, index) => ({ dims: shapes.dims(input), names: settings.inputAxes[index]! }));
  return {
    builder,
    inputs: inputs.map((input, index) => {
      const names = settings.inputAxes[index]!;
      return valueInfo(
        settings.inputNames[index]!,
        input.dtype,
        input.shape.map((extent, axis) => names.get(axis) ?? extent),
      );
    }),
    outputs: first.outputs.map((output, index) => {
      const name = outputNames[index]!;
      return valueInfo(name, output.dtype, outputDims(name, shapes.dims(output), settings.outputAxes?.get(name), inputDims));
    }),
  };
}

async function initializerProto(name: string, tensor: Tensor): Promise<TensorProto> {
  return tensorProto(name, tensor.dtype, tensor.shape, await tensor.data());
}

/**
 * Exports a module as an ONNX model and returns the file's bytes. The forward pass runs once on `exampleInput` in
 * eval mode (again on inputs doubled along the dynamic axes, to learn which dims vary with them) and every op it
 * calls becomes ONNX nodes; parameters and buffers become initializers under their PyTorch state-dict names. Works
 * on every backend (values are read asynchronously). An op without an ONNX mapping throws UnsupportedOpError naming
 * the op and the module path that called it.
 * @example
 * const bytes = await exportOnnx(model, randn([1, 3, 32, 32]), { inputNames: ['image'], outputNames: ['logits'] });
 * // axis 0 ('batch') of image and logits varies; run the bytes with onnxruntime-node or onnxruntime-web
 */
export async function exportOnnx(
  module: AnyModule,
  exampleInput: Tensor | readonly Tensor[],
  options: ExportOnnxOptions = {},
): Promise<Uint8Array> {
  const inputs = exampleInput instanceof Tensor ? [exampleInput] : [...exampleInput];
  if (inputs.length === 0 || !inputs.every((input) => input instanceof Tensor)) {
    throw new OnnxExportError('exampleInput: expected a tensor or a non-empty array of tensors');
  }
  const settings = exportSettings(
    options,
    inputs.map((input) => input.shape),
  );
  // tidy frees the tensors of the recorded passes (on wasm and WebGPU the garbage collector cannot see them).
  const graph = inEvalMode(module, () => tidy(() => describeGraph(module, inputs, settings)));
  const { builder } = graph;
  const initializers = await Promise.all([...builder.initializers].map(([tensor, name]) => initializerProto(name, tensor)));
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(settings.irVersion),
    opsetImport: [{ domain: '', version: BigInt(settings.opset) }],
    producerName: 'Lantern',
    producerVersion: version,
    docString: settings.docString,
    graph: {
      name: module.constructor.name || 'lantern',
      node: builder.nodes,
      initializer: [...initializers, ...builder.constants],
      input: graph.inputs,
      output: graph.outputs,
    },
  });
  return toBinary(ModelProtoSchema, model);
}
