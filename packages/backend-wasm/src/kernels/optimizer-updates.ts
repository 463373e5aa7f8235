import { adamUpdate as referenceAdamUpdate, sgdUpdate as referenceSgdUpdate } from '@lantern/backend-cpu/kernels';
import type { AdamAttributes, SgdAttributes, TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { addressOf, cpuView, cpuViewOrNull, elementCount, isFloat32 } from '../views.js';

// Elements per chunk. An update is memory-bound and takes about a nanosecond per element, so splitting a parameter
// across cores costs more in moved cache lines than it saves until it is large: with 16K-element chunks, 2 threads
// made a 51K-element update 3× slower than 1 (measured in a batch-1 training step).
const chunkElements = 262144;

/** torch.optim.SGD's rule, in place, rounding where the cpu reference rounds (see assembly/optimizer-updates.ts). */
export function sgdUpdate(
  context: WasmContext,
  parameter: TensorView,
  grad: TensorView,
  momentumBuffer: TensorView | null,
  attributes: SgdAttributes,
): void {
  if (!isFloat32(parameter, grad, momentumBuffer)) {
    referenceSgdUpdate(cpuView(context, parameter), cpuView(context, grad), cpuViewOrNull(context, momentumBuffer), attributes);
    return;
  }
  const size = elementCount(parameter);
  const flags = (attributes.maximize ? 1 : 0) | (attributes.nesterov ? 2 : 0) | (attributes.firstStep ? 4 : 0);
  context.pool
    .setInts([addressOf(parameter), addressOf(grad), momentumBuffer ? addressOf(momentumBuffer) : 0, size, chunkElements, flags])
    .setReals([attributes.lr, attributes.momentum, attributes.dampening, attributes.weightDecay])
    .run('sgdTask', Math.ceil(size / chunkElements));
}

/** torch.optim.Adam / AdamW's rule, in place, with the cpu reference's rounding points. */
export function adamUpdate(
  context: WasmContext,
  parameter: TensorView,
  grad: TensorView,
  expAvg: TensorView,
  expAvgSq: TensorView,
  maxExpAvgSq: TensorView | null,
  attributes: AdamAttributes,
): void {
  if (!isFloat32(parameter, grad, expAvg, expAvgSq, maxExpAvgSq)) {
    referenceAdamUpdate(
      cpuView(context, parameter),
      cpuView(context, grad),
      cpuView(context, expAvg),
      cpuView(context, expAvgSq),
      cpuViewOrNull(context, maxExpAvgSq),
      attributes,
    );
    return;
  }
  const size = elementCount(parameter);
  const flags = (attributes.maximize ? 1 : 0) | (attributes.decoupledWeightDecay ? 2 : 0);
  context.pool
    .setInts([
      addressOf(parameter),
      addressOf(grad),
      addressOf(expAvg),
      addressOf(expAvgSq),
      maxExpAvgSq ? addressOf(maxExpAvgSq) : 0,
      size,
      chunkElements,
      flags,
    ])
    .setReals([
      attributes.lr,
      attributes.beta1,
      attributes.beta2,
      attributes.eps,
      attributes.weightDecay,
      attributes.lr / (1 - attributes.beta1 ** attributes.step),
      Math.sqrt(1 - attributes.beta2 ** attributes.step),
    ])
    .run('adamTask', Math.ceil(size / chunkElements));
}
