import {
  compile,
  conv2d,
  manualSeed,
  maxPool2d,
  randn,
  runEagerly,
  setBackend,
  sgdUpdate_,
  type Tensor,
  tidy,
} from '@lantern/tensor';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

/** One op of a random program: what it does to the running activation `h` [rows, features], given the parameters. */
type Op = (h: Tensor, parameters: Parameters) => Tensor;
interface Parameters {
  weight: Tensor;
  bias: Tensor;
  scale: Tensor;
}

const menu: Record<string, Op> = {
  relu: (h) => h.relu(),
  tanh: (h) => h.tanh(),
  sigmoid: (h) => h.sigmoid(),
  square: (h) => h.square(),
  negate: (h) => h.neg(),
  abs: (h) => h.abs(),
  addBias: (h, p) => h.add(p.bias),
  mulScale: (h, p) => h.mul(p.scale),
  matmul: (h, p) => h.matmul(p.weight),
  scalarOps: (h) => h.mul(0.5).add(0.25),
  softmax: (h) => h.softmax(1),
  logSoftmax: (h) => h.logSoftmax(1),
  centre: (h) => h.sub(h.mean(1, true)),
  residual: (h, p) => h.add(h.matmul(p.weight).tanh()),
};
const opNames = Object.keys(menu);

/** The same parameters, freshly made from a seed, for each of the two runs that are compared. */
function makeParameters(features: number, seed: number): Parameters {
  manualSeed(seed);
  const parameters = { weight: randn([features, features]).mul(0.3), bias: randn([features]), scale: randn([features]) };
  for (const parameter of Object.values(parameters)) parameter.requiresGrad = true;
  return parameters;
}

/** A training step over a program: forward, a loss, zeroGrad, backward, and SGD with momentum (eager per call). */
function trainingStep(program: string[], parameters: Parameters) {
  const buffers = new Map<Tensor, Tensor | null>();
  return (input: Tensor) =>
    tidy(() => {
      let h = input;
      for (const name of program) h = menu[name]!(h, parameters);
      // Ending on every parameter gives each a gradient, whatever the program.
      const loss = h.matmul(parameters.weight).add(parameters.bias).mul(parameters.scale).square().mean();
      for (const parameter of Object.values(parameters)) {
        parameter.grad?.dispose();
        parameter.grad = null;
      }
      loss.backward();
      runEagerly(() => {
        for (const parameter of Object.values(parameters)) {
          if (!parameter.grad) continue;
          const buffer = sgdUpdate_(parameter, parameter.grad, buffers.get(parameter) ?? null, { lr: 0.01, momentum: 0.9 });
          buffers.set(parameter, buffer);
        }
      });
      return loss;
    });
}

async function values(tensor: Tensor): Promise<number[]> {
  return [...(await tensor.data())];
}

/** A small conv net step (the fast conv and pool kernels) with random channel counts, kernel size and padding. */
function convStep(channels: number, kernel: number, padding: number, seed: number) {
  manualSeed(seed);
  const weight = randn([channels, 2, kernel, kernel]).mul(0.2);
  const bias = randn([channels]).mul(0.1);
  weight.requiresGrad = bias.requiresGrad = true;
  const step = (input: Tensor) =>
    tidy(() => {
      const pooled = maxPool2d(conv2d(input, weight, bias, { padding }).relu(), 2).values;
      const loss = pooled.square().mean();
      weight.grad = bias.grad = null;
      loss.backward();
      runEagerly(() => {
        for (const parameter of [weight, bias]) sgdUpdate_(parameter, parameter.grad!, null, { lr: 0.05 });
      });
      return loss;
    });
  return { step, weight };
}

/**
 * Property tests of compile() on `backend`: random programs (chains of elementwise ops, matmuls, reductions and
 * softmaxes, and small conv nets through the fast kernels), trained for a few steps eagerly and compiled from the same
 * parameters, give bitwise the same losses and parameters: a replay runs the very kernels the eager step runs.
 */
export function describeCompiledSteps(backend: string, options: { setup?: () => Promise<void> | void } = {}): void {
  describe(`compiled steps on ${backend}`, () => {
    beforeAll(async () => options.setup?.());
    it('random programs: compiled losses and parameters equal eager ones bitwise', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...opNames), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 2, max: 6 }),
          fc.nat(1000),
          async (program, rows, features, seed) => {
            setBackend(backend);
            const eagerParameters = makeParameters(features, seed);
            const compiledParameters = makeParameters(features, seed);
            const eager = trainingStep(program, eagerParameters);
            const compiled = compile(trainingStep(program, compiledParameters));
            manualSeed(seed + 1);
            const inputs = [0, 1, 2, 3].map(() => randn([rows, features]));
            for (const input of inputs) {
              expect(await values(compiled(input))).toEqual(await values(eager(input)));
            }
            expect(await values(compiledParameters.weight)).toEqual(await values(eagerParameters.weight));
            expect(compiled.stats).toMatchObject({ traces: 1, replays: 3 });
            compiled.dispose();
          },
        ),
        { numRuns: 12 },
      );
    });

    it('random conv nets: compiled losses and weights equal eager ones bitwise', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.constantFrom(1, 3, 5),
          fc.integer({ min: 0, max: 2 }),
          fc.nat(1000),
          async (channels, kernel, padding, seed) => {
            setBackend(backend);
            const eager = convStep(channels, kernel, padding, seed);
            const compiledNet = convStep(channels, kernel, padding, seed);
            const compiled = compile(compiledNet.step);
            manualSeed(seed + 1);
            for (let call = 0; call < 3; call++) {
              const input = randn([2, 2, 8, 8]);
              expect(await values(compiled(input))).toEqual(await values(eager.step(input)));
            }
            expect(await values(compiledNet.weight)).toEqual(await values(eager.weight));
            compiled.dispose();
          },
        ),
        { numRuns: 6 },
      );
    });
  });
}
