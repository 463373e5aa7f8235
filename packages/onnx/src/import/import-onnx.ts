import { fromBinary } from '@bufbuild/protobuf';
import { Module, Parameter } from '@lantern/nn';
import { fromArray, isFloating, type Tensor } from '@lantern/tensor';
import { OnnxImportError } from '../errors.js';
import { type GraphProto, type ModelProto, ModelProtoSchema } from '../proto/generated/onnx_pb.gen.js';
import { type DecodedTensor, decodeTensorProto } from '../tensor-proto.js';
import { asTensor, type GraphValue, NodeReader } from './node-reader.js';
import { operators } from './operators.js';

export interface ImportOnnxOptions {
  /** The backend the weights live on; the active one when omitted. */
  readonly backend?: string;
}

// BatchNormalization's mean and variance are statistics, not learned: they become buffers, as in PyTorch.
function statisticNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const node of graph.node) {
    if (node.opType === 'BatchNormalization') for (const name of node.input.slice(3, 5)) names.add(name);
  }
  return names;
}

function parseModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (error) {
    throw new OnnxImportError(`not an ONNX model: ${(error as Error).message}`);
  }
  if (!model.graph) throw new OnnxImportError('not an ONNX model: it has no graph');
  const opset = model.opsetImport.find((entry) => entry.domain === '' || entry.domain === 'ai.onnx');
  if (!opset || opset.version < 13n) {
    throw new OnnxImportError(
      `opset ${opset?.version ?? 'none'}: importOnnx reads opset 13 and later (ONNX's semantics changed there)`,
    );
  }
  for (const node of model.graph.node) {
    if (node.domain !== '' && node.domain !== 'ai.onnx')
      throw new OnnxImportError(`node '${node.name}': domain '${node.domain}' is not supported`);
    if (!Object.hasOwn(operators, node.opType) && node.opType !== 'Constant') {
      throw new OnnxImportError(
        `node '${node.name}': operator ${node.opType} is not supported; importOnnx reads ${Object.keys(operators).join(', ')}, Constant`,
      );
    }
  }
  return model;
}

interface ImportedGraph {
  readonly graph: GraphProto;
  readonly constants: Map<string, DecodedTensor>;
  readonly backend: string | undefined;
}

// Each module's graph lives outside the instance, as nn keeps module state: a module's own fields are its registry
// of parameters and submodules, and the protocol buffer types stay out of the public API.
const importedGraphs = new WeakMap<object, ImportedGraph>();

/**
 * An ONNX graph as a Lantern module: its forward runs the graph's nodes with Lantern ops. Floating-point initializers
 * are its parameters (BatchNorm statistics its buffers) under their ONNX names, so the state dict of a model that
 * exportOnnx wrote has the original module's keys and loads back into it.
 */
export class OnnxModule extends Module<Tensor[], Tensor | Tensor[]> {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];

  /** Reads the model's bytes; throws OnnxImportError for a file or an operator it cannot read. */
  constructor(bytes: Uint8Array, options: ImportOnnxOptions = {}) {
    super();
    const graph = parseModel(bytes).graph!;
    const constants = new Map<string, DecodedTensor>();
    importedGraphs.set(this, { graph, constants, backend: options.backend });
    const statistics = statisticNames(graph);
    for (const initializer of graph.initializer) {
      const decoded = decodeTensorProto(initializer);
      // State-dict names never start with '/'; the outputs of Constant nodes, as exporters name them, do.
      const learned = isFloating(decoded.dtype) && !initializer.name.startsWith('/');
      if (!learned) {
        constants.set(initializer.name, decoded);
        continue;
      }
      const tensor = fromArray(decoded.values, decoded.shape, decoded.dtype, { backend: options.backend });
      if (statistics.has(initializer.name)) this.registerBuffer(initializer.name, tensor);
      else this.registerParameter(initializer.name, new Parameter(tensor));
    }
    const initialized = new Set(graph.initializer.map((initializer) => initializer.name));
    this.inputNames = graph.input.map((input) => input.name).filter((name) => !initialized.has(name));
    this.outputNames = graph.output.map((output) => output.name);
  }

  /** Runs the graph on one tensor per graph input, in order; returns the output, or the outputs when there are several. */
  forward(...inputs: Tensor[]): Tensor | Tensor[] {
    if (inputs.length !== this.inputNames.length) {
      throw new OnnxImportError(
        `expected ${this.inputNames.length} inputs (${this.inputNames.join(', ')}), got ${inputs.length}`,
      );
    }
    const { graph, constants } = importedGraphs.get(this)!;
    // Constants become tensors where the inputs are, which is where module.to(backend) put the weights too.
    const backend = inputs[0]?.backend.name ?? importedGraphs.get(this)!.backend;
    const values = new Map<string, GraphValue>(constants);
    for (const [name, tensor] of this.namedParameters()) values.set(name, tensor);
    for (const [name, tensor] of this.namedBuffers()) values.set(name, tensor);
    for (const [index, name] of this.inputNames.entries()) values.set(name, inputs[index]!);
    for (const node of graph.node) {
      const reader = new NodeReader(node, values, backend);
      if (node.opType === 'Constant') values.set(node.output[0]!, reader.constantValue());
      else values.set(node.output[0]!, operators[node.opType]!(reader));
    }
    const outputs = this.outputNames.map((name) => {
      const value = values.get(name);
      if (!value) throw new OnnxImportError(`output '${name}' is computed by no node`);
      return asTensor(value, backend);
    });
    return outputs.length === 1 ? outputs[0]! : outputs;
  }
}

/**
 * Reads an ONNX model (from exportOnnx, or from another exporter using the same operators) as a Lantern module.
 * @example
 * const model = importOnnx(bytes);
 * const logits = model(images) as Tensor;
 */
export function importOnnx(bytes: Uint8Array, options: ImportOnnxOptions = {}): OnnxModule {
  return new OnnxModule(bytes, options);
}
