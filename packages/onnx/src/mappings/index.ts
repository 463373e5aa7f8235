import type { OpContext, OpMapping } from '../export/graph-builder.js';
import { activationMappings } from './activation.js';
import { elementwiseMappings } from './elementwise.js';
import { layerMappings } from './layers.js';
import { shapeMappings } from './shape.js';

/** Every op the exporter maps, by the name the forward pass calls it by. */
export const opMappings: Readonly<Record<string, OpMapping>> = {
  ...elementwiseMappings,
  ...activationMappings,
  ...shapeMappings,
  ...layerMappings,
};

const readingOps = new Set(['item', 'dataSync', 'data', 'toArray', 'array', 'toAsync']);
const inPlaceOps = new Set(['copy_', 'fill_', 'zero_', 'uniform_', 'normal_']);

/** Why an op without a mapping cannot be exported, in the words of the error. */
function unsupportedReason(name: string): string {
  if (readingOps.has(name)) {
    return 'it reads tensor values during the forward pass, and an exported graph cannot depend on values the exporter saw';
  }
  if (inPlaceOps.has(name)) return 'it changes a tensor in place, which an ONNX graph (values written once) cannot express';
  return `there is no ONNX mapping for it; the exported ops are ${Object.keys(opMappings).sort().join(', ')}`;
}

/** Adds the nodes for one recorded op, or throws UnsupportedOpError naming the op and its module path. */
export function mapOp(context: OpContext): void {
  const mapping = Object.hasOwn(opMappings, context.op.name) ? opMappings[context.op.name] : undefined;
  if (!mapping) context.fail(unsupportedReason(context.op.name));
  mapping(context);
}
