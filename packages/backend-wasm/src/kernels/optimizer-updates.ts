import type { AdamAttributes, SgdAttributes, TensorView } from '@lantern/tensor';
import type { WasmContext } from '../context.js';
import { runAdam, runSgd } from '../generated/bridge.gen.js';
import { addressOf, elementCount } from '../views.js';

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
  const size = elementCount(parameter);
  runSgd(
    context.pool,
    {
      parameter: addressOf(parameter),
      grad: addressOf(grad),
      momentumBuffer: momentumBuffer ? addressOf(momentumBuffer) : 0,
      size,
      elementsPerChunk: chunkElements,
      maximize: attributes.maximize,
      nesterov: attributes.nesterov,
      firstStep: attributes.firstStep,
      lr: attributes.lr,
      momentum: attributes.momentum,
      dampening: attributes.dampening,
      weightDecay: attributes.weightDecay,
    },
    Math.ceil(size / chunkElements),
  );
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
  const size = elementCount(parameter);
  runAdam(
    context.pool,
    {
      parameter: addressOf(parameter),
      grad: addressOf(grad),
      expAvg: addressOf(expAvg),
      expAvgSq: addressOf(expAvgSq),
      maxExpAvgSq: maxExpAvgSq ? addressOf(maxExpAvgSq) : 0,
      size,
      elementsPerChunk: chunkElements,
      maximize: attributes.maximize,
      decoupledWeightDecay: attributes.decoupledWeightDecay,
      lr: attributes.lr,
      beta1: attributes.beta1,
      beta2: attributes.beta2,
      eps: attributes.eps,
      weightDecay: attributes.weightDecay,
      stepSize: attributes.lr / (1 - attributes.beta1 ** attributes.step),
      biasCorrection2Sqrt: Math.sqrt(1 - attributes.beta2 ** attributes.step),
    },
    Math.ceil(size / chunkElements),
  );
}
