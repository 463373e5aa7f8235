import { cat, formatShape, type Tensor } from '@lantern/tensor';
import { OnnxExportError } from '../errors.js';
import { type RecordedForward, tensorsIn } from './record-forward.js';

/**
 * A value's shape in the recorded pass and in a second pass whose dynamic input axes were twice as long: the axes
 * whose size differs between the two are the ones that vary with the inputs (a batch dimension, flattened or not).
 */
export interface Dims {
  readonly shape: readonly number[];
  readonly alternate: readonly number[];
  readonly dynamic: readonly boolean[];
}

/** The example inputs doubled along their dynamic axes (each joined to itself), or null when no axis is dynamic. */
export function grownInputs(inputs: readonly Tensor[], inputAxes: ReadonlyArray<ReadonlyMap<number, string>>): Tensor[] | null {
  if (inputAxes.every((axes) => axes.size === 0)) return null;
  return inputs.map((input, index) => {
    let grown = input;
    for (const axis of inputAxes[index]!.keys()) grown = cat([grown, grown], axis);
    return grown;
  });
}

const describe = (op: { name: string; modulePath: string } | undefined) =>
  op ? `'${op.name}' in ${op.modulePath ? `module '${op.modulePath}'` : 'the root module'}` : 'nothing';

/** Pairs every tensor of the recorded pass with its counterpart in the grown pass. */
export class ShapeOracle {
  private readonly alternates = new Map<Tensor, readonly number[]>();

  constructor(first: RecordedForward, second: RecordedForward | null) {
    if (!second) return;
    const pair = (a: Tensor[], b: Tensor[], where: string) => {
      if (a.length !== b.length) throw this.divergence(where);
      for (const [index, tensor] of a.entries()) this.alternates.set(tensor, b[index]!.shape);
    };
    pair([...first.inputs], [...second.inputs], 'the inputs');
    const count = Math.max(first.ops.length, second.ops.length);
    for (let index = 0; index < count; index++) {
      const a = first.ops[index],
        b = second.ops[index];
      if (a?.name !== b?.name || a?.modulePath !== b?.modulePath) {
        throw this.divergence(`op ${index}: ${describe(a)} at the example's sizes, ${describe(b)} at the grown sizes`);
      }
      pair(tensorsIn(a!.output), tensorsIn(b!.output), `the results of op ${index} (${describe(a)})`);
    }
    pair([...first.outputs], [...second.outputs], 'the outputs');
  }

  private divergence(where: string): OnnxExportError {
    return new OnnxExportError(
      `the forward pass differs when the dynamic axes change size (${where}): an ONNX graph is one sequence of ops ` +
        'for every size; export with fixed sizes (dynamicAxes: {}) or make the forward pass independent of them',
    );
  }

  dims(tensor: Tensor): Dims {
    const shape = tensor.shape;
    const alternate = this.alternates.get(tensor) ?? shape;
    if (alternate.length !== shape.length) {
      throw new OnnxExportError(
        `a value has rank ${shape.length} at the example's sizes (${formatShape(shape)}) but rank ${alternate.length} when ` +
          `the dynamic axes grow (${formatShape(alternate)}): an ONNX graph cannot change a value's rank with its input sizes`,
      );
    }
    return { shape, alternate, dynamic: shape.map((size, axis) => size !== alternate[axis]) };
  }
}
