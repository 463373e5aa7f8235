import { registerCpuBackend } from '@lantern/backend-cpu';
import type { Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import {
  BCELoss,
  BCEWithLogitsLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  CrossEntropyLoss,
  crossEntropy,
  HuberLoss,
  huberLoss,
  KLDivLoss,
  klDiv,
  L1Loss,
  l1Loss,
  MSELoss,
  mseLoss,
  NLLLoss,
  nllLoss,
  SmoothL1Loss,
  smoothL1Loss,
} from './index.js';
import { expectClose, type FixtureTensor, fromFixture, readFixture } from './test-support.js';

await registerCpuBackend();

interface DTypedFixture extends FixtureTensor {
  dtype: string;
}

interface LossCase {
  name: string;
  function: string;
  options: Record<string, unknown>;
  tensors: Record<string, DTypedFixture>;
  input: DTypedFixture;
  target: DTypedFixture;
  output: DTypedFixture;
  upstream: DTypedFixture;
  gradInput: DTypedFixture;
}

type LossFunction = (input: Tensor, target: Tensor, options: never) => Tensor;
type LossModule = new (options: never) => (input: Tensor, target: Tensor) => Tensor;

// Each fixture's function, and the module that wraps it, taking the same options.
const losses: Record<string, [LossFunction, LossModule]> = {
  crossEntropy: [crossEntropy, CrossEntropyLoss],
  nllLoss: [nllLoss, NLLLoss],
  mseLoss: [mseLoss, MSELoss],
  l1Loss: [l1Loss, L1Loss],
  smoothL1Loss: [smoothL1Loss, SmoothL1Loss],
  huberLoss: [huberLoss, HuberLoss],
  binaryCrossEntropy: [binaryCrossEntropy, BCELoss],
  binaryCrossEntropyWithLogits: [binaryCrossEntropyWithLogits, BCEWithLogitsLoss],
  klDiv: [klDiv, KLDivLoss],
};

const tensorOf = (fixture: DTypedFixture, requiresGrad = false) =>
  fromFixture(fixture, { dtype: fixture.dtype === 'torch.int32' ? 'int32' : 'float32', requiresGrad });

const cases = readFixture<LossCase[]>('losses.json');

describe('losses match PyTorch (output and input gradient), as functions and as modules', () => {
  for (const fixture of cases) {
    it(fixture.name, () => {
      const [lossFunction, LossClass] = losses[fixture.function]!;
      const options = {
        ...fixture.options,
        ...Object.fromEntries(Object.entries(fixture.tensors).map(([key, value]) => [key, tensorOf(value)])),
      };
      const target = tensorOf(fixture.target);
      for (const [form, run] of [
        ['function', (input: Tensor) => lossFunction(input, target, options as never)],
        ['module', (input: Tensor) => new LossClass(options as never)(input, target)],
      ] as const) {
        const input = tensorOf(fixture.input, true);
        const output = run(input);
        // Large gradients (a saturated BCE gives 2e11) are compared relative to their size.
        expectClose(output, fixture.output, `${fixture.name} ${form} output`, 1e-5, 1e-4);
        output.mul(tensorOf(fixture.upstream)).sum().backward();
        expectClose(input.grad, fixture.gradInput, `${fixture.name} ${form} input gradient`, 1e-6, 1e-4);
      }
    });
  }

  it('covers every loss, every reduction and every option', () => {
    expect(new Set(cases.map((fixture) => fixture.function))).toEqual(new Set(Object.keys(losses)));
    const options = new Set(cases.flatMap((fixture) => [...Object.keys(fixture.options), ...Object.keys(fixture.tensors)]));
    expect([...options].sort()).toEqual([
      'beta',
      'delta',
      'ignoreIndex',
      'labelSmoothing',
      'logTarget',
      'posWeight',
      'reduction',
      'weight',
    ]);
    for (const reduction of ['mean', 'sum', 'none']) {
      for (const name of Object.keys(losses)) {
        expect(
          cases.some((fixture) => fixture.function === name && (fixture.options.reduction ?? 'mean') === reduction),
          `${name} ${reduction}`,
        ).toBe(true);
      }
    }
  });
});
