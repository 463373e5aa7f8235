import { registerCpuBackend } from '@lantern/backend-cpu';
import {
  type AdamAttributes,
  getBackend,
  getFastKernel,
  manualSeed,
  randint,
  randn,
  type SgdAttributes,
  ShapeError,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
} from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { registerWasmBackend } from '../index.js';
import { expectClose, expectEqual, forThreadCounts, leafPair } from '../test-helpers.js';

await registerCpuBackend();
await registerWasmBackend();

describe('fused kernels match the cpu backend', () => {
  it('softmax cross entropy, forward and backward', () => {
    manualSeed(29);
    const [logits, logitsWasm] = leafPair(randn([64, 10]).mul(4));
    const targets = randint(0, 10, [64]);
    const expected = softmaxCrossEntropy(logits, targets),
      actual = softmaxCrossEntropy(logitsWasm, targets.to('wasm'));
    expectClose(actual, expected, 1e-6, 1e-6);
    expected.mean().backward();
    actual.mean().backward();
    expectClose(logitsWasm.grad!, logits.grad!, 1e-6, 1e-7);
  });

  it('rejects out-of-range targets with a ShapeError, as the cpu backend does', () => {
    const logits = randn([3, 4]).to('wasm');
    for (const bad of [4, -1]) {
      expect(() => softmaxCrossEntropy(logits, tensor([0, bad, 1]).to('wasm'))).toThrow(ShapeError);
      expect(() => softmaxCrossEntropy(logits, tensor([0, bad, 1]).to('wasm'))).toThrow(
        `target ${bad} is out of bounds for 4 classes`,
      );
    }
  });

  // Same inputs through each backend's fused update, several steps: results must agree bit for bit.
  function runSteps(
    backendName: string,
    parameter: Tensor,
    grads: Tensor[],
    state: Tensor[],
    step: (p: Tensor, g: Tensor, s: Tensor[], i: number) => void,
  ) {
    const p = parameter.to(backendName).clone(),
      s = state.map((t) => t.to(backendName).clone());
    for (const [i, g] of grads.entries()) step(p, g.to(backendName), s, i);
    return [p, ...s];
  }

  it('sgdUpdate: momentum, dampening, nesterov, weight decay, maximize', async () => {
    await forThreadCounts(() => {
      manualSeed(31);
      const parameter = randn([70000]),
        grads = [randn([70000]), randn([70000]), randn([70000])];
      const variants: Array<Partial<SgdAttributes>> = [
        {},
        { momentum: 0.9 },
        { momentum: 0.9, dampening: 0.1, weightDecay: 1e-2 },
        { momentum: 0.8, nesterov: true },
        { maximize: true, weightDecay: 0.1 },
      ];
      for (const variant of variants) {
        const results = ['cpu', 'wasm'].map((name) =>
          runSteps(name, parameter, grads, [parameter.zerosLike()], (p, g, [buffer], i) => {
            const attributes: SgdAttributes = {
              lr: 0.1,
              momentum: 0,
              dampening: 0,
              weightDecay: 0,
              nesterov: false,
              maximize: false,
              firstStep: i === 0,
              ...variant,
            };
            const backend = getBackend(name);
            const view = (tensor: Tensor) => tensor.kernelView('sgdUpdate', backend);
            getFastKernel(backend, 'sgdUpdate')!(view(p), view(g), attributes.momentum ? view(buffer!) : null, attributes);
          }),
        );
        for (const [index, expected] of results[0]!.entries()) {
          expectEqual(results[1]![index]!, expected, `${JSON.stringify(variant)} tensor ${index}`);
        }
      }
    });
  });

  it('adamUpdate: Adam, AdamW, amsgrad, maximize', async () => {
    await forThreadCounts(() => {
      manualSeed(37);
      const parameter = randn([40000]),
        grads = [randn([40000]), randn([40000]), randn([40000])];
      const variants: Array<Partial<AdamAttributes>> = [
        {},
        { weightDecay: 0.01 },
        { weightDecay: 0.01, decoupledWeightDecay: true },
        { amsgrad: true },
        { maximize: true },
      ];
      for (const variant of variants) {
        const state = [parameter.zerosLike(), parameter.zerosLike(), parameter.zerosLike()];
        const results = ['cpu', 'wasm'].map((name) =>
          runSteps(name, parameter, grads, state, (p, g, [m, v, vMax], i) => {
            const attributes: AdamAttributes = {
              lr: 1e-3,
              beta1: 0.9,
              beta2: 0.999,
              eps: 1e-8,
              weightDecay: 0,
              decoupledWeightDecay: false,
              amsgrad: false,
              maximize: false,
              step: i + 1,
              ...variant,
            };
            const backend = getBackend(name);
            const view = (tensor: Tensor) => tensor.kernelView('adamUpdate', backend);
            getFastKernel(backend, 'adamUpdate')!(
              view(p),
              view(g),
              view(m!),
              view(v!),
              attributes.amsgrad ? view(vMax!) : null,
              attributes,
            );
          }),
        );
        for (const [index, expected] of results[0]!.entries()) {
          expectEqual(results[1]![index]!, expected, `${JSON.stringify(variant)} tensor ${index}`);
        }
      }
    });
  });
});
