import { OnnxExportError } from '../errors.js';

/** Axes whose size may vary, as PyTorch's `dynamic_axes`: `{ 0: 'batch' }` names them, `[0]` lets the exporter name them. */
export type DynamicAxes = Readonly<Record<number, string>> | readonly number[];

export interface ExportOnnxOptions {
  /** Graph input names, one per example input: default `'input'`, or `'input_0'`, `'input_1'`, … for several. */
  readonly inputNames?: readonly string[];
  /** Graph output names, one per output tensor: default `'output'`, or `'output_0'`, `'output_1'`, … for several. */
  readonly outputNames?: readonly string[];
  /**
   * Input and output axes whose size may vary, keyed by name. The default makes axis 0 of every input a dimension
   * named 'batch', and axis 0 of every output whose size follows it; `{}` exports fixed sizes.
   */
  readonly dynamicAxes?: Readonly<Record<string, DynamicAxes>>;
  /** The ONNX operator set, 13 to 21. Default 17, the newest that every current runtime and onnx 1.12's checker know. */
  readonly opset?: number;
  /** Free text stored as the model's doc_string. */
  readonly docString?: string;
}

/** Opset → the oldest IR version that carries it (onnx's docs/Versioning.md), so older runtimes can still load the file. */
const irVersionOfOpset: Readonly<Record<number, number>> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

export const defaultOpset = 17;

export interface ExportSettings {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[] | null;
  /** Per input index: axis → dimension name. */
  readonly inputAxes: ReadonlyArray<ReadonlyMap<number, string>>;
  /** Declared output axes by output name; null when the default applies (axis 0 where it follows the inputs). */
  readonly outputAxes: ReadonlyMap<string, ReadonlyMap<number, string>> | null;
  readonly opset: number;
  readonly irVersion: number;
  readonly docString: string;
}

function defaultNames(prefix: string, count: number): string[] {
  return count === 1 ? [prefix] : Array.from({ length: count }, (_, index) => `${prefix}_${index}`);
}

function axesOf(name: string, axes: DynamicAxes): Map<number, string> {
  const entries: Array<[number, string]> = Array.isArray(axes)
    ? (axes as readonly number[]).map((axis) => [axis, `${name}_dynamic_axes_${axis}`])
    : Object.entries(axes).map(([axis, dimension]) => [Number(axis), dimension as string]);
  for (const [axis] of entries) {
    if (!Number.isInteger(axis) || axis < 0) {
      throw new OnnxExportError(`dynamicAxes['${name}']: axis ${axis} is not a non-negative integer`);
    }
  }
  return new Map(entries);
}

export function checkNames(kind: string, names: readonly string[], count: number): void {
  if (names.length !== count) {
    throw new OnnxExportError(
      `${kind}: ${names.length} names for ${count} tensors (${names.map((name) => `'${name}'`).join(', ')})`,
    );
  }
  if (new Set(names).size !== names.length || names.some((name) => name === '')) {
    throw new OnnxExportError(
      `${kind}: names must be distinct and non-empty, got ${names.map((name) => `'${name}'`).join(', ')}`,
    );
  }
}

/** Checks the options against the example inputs and fills in the defaults. */
export function exportSettings(options: ExportOnnxOptions, inputShapes: ReadonlyArray<readonly number[]>): ExportSettings {
  const opset = options.opset ?? defaultOpset;
  const irVersion = irVersionOfOpset[opset];
  if (irVersion === undefined) {
    throw new OnnxExportError(`opset ${opset} is not supported: choose one from 13 to 21 (default ${defaultOpset})`);
  }
  const inputNames = options.inputNames ?? defaultNames('input', inputShapes.length);
  checkNames('inputNames', inputNames, inputShapes.length);
  if (options.outputNames) checkNames('outputNames', options.outputNames, options.outputNames.length);
  const declared = options.dynamicAxes;
  const inputAxes = inputNames.map((name, index) => {
    if (!declared) return new Map(inputShapes[index]!.length > 0 ? [[0, 'batch']] : []);
    const axes = declared[name] ? axesOf(name, declared[name]) : new Map<number, string>();
    for (const axis of axes.keys()) {
      if (axis >= inputShapes[index]!.length) {
        throw new OnnxExportError(
          `dynamicAxes['${name}']: axis ${axis} is out of range for an input of rank ${inputShapes[index]!.length}`,
        );
      }
    }
    return axes;
  });
  let outputAxes: Map<string, Map<number, string>> | null = null;
  if (declared) {
    outputAxes = new Map();
    for (const [name, axes] of Object.entries(declared)) if (!inputNames.includes(name)) outputAxes.set(name, axesOf(name, axes));
  }
  return {
    inputNames,
    outputNames: options.outputNames ?? null,
    inputAxes,
    outputAxes,
    opset,
    irVersion,
    docString: options.docString ?? '',
  };
}

/** The output names once the forward pass has told how many outputs there are. */
export function resolveOutputNames(settings: ExportSettings, count: number): readonly string[] {
  const names = settings.outputNames ?? defaultNames('output', count);
  checkNames('outputNames', names, count);
  for (const name of settings.outputAxes?.keys() ?? []) {
    if (!names.includes(name)) {
      throw new OnnxExportError(
        `dynamicAxes names '${name}', which is neither an input (${settings.inputNames.join(', ')}) nor an output (${names.join(', ')})`,
      );
    }
  }
  for (const name of names) {
    if (settings.inputNames.includes(name)) throw new OnnxExportError(`'${name}' names both an input and an output`);
  }
  return names;
}
