import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  CompileError,
  checkValues,
  compile,
  type ElementwiseProgram,
  getBackend,
  manualSeed,
  memory,
  noGrad,
  randn,
  runEagerly,
  type Tensor,
  tensor,
  tidy,
} from '../index.js';

await registerCpuBackend();

/** A two-layer regression with a hand-written SGD update, as an optimizer would do it. */
function makeModel(seed: number) {
  manualSeed(seed);
  const weights = [randn([4, 8]), randn([8, 1])];
  for (const weight of weights) weight.requiresGrad = true;
  let lr = 0.05;
  const zeroGrad = () => {
    for (const weight of weights) {
      if (!weight.grad) continue;
      weight.grad.dispose();
      weight.grad = null;
    }
  };
  const update = () =>
    runEagerly(() =>
      noGrad(() => {
        for (const weight of weights) if (weight.grad) weight.copy_(weight.sub(weight.grad.mul(lr)));
      }),
    );
  const forward = (x: Tensor, y: Tensor) => x.matmul(weights[0]!).relu().matmul(weights[1]!).sub(y).square().mean();
  const step = (x: Tensor, y: Tensor) =>
    tidy(() => {
      const loss = forward(x, y);
      zeroGrad();
      loss.backward();
      update();
      return loss;
    });
  return { weights, step, forward, zeroGrad, update, setLr: (value: number) => (lr = value) };
}

function batches(count: number, rows = 16) {
  manualSeed(99);
  return Array.from({ length: count }, () => [randn([rows, 4]), randn([rows, 1])] as const);
}

describe('compile', () => {
  it('replays a training step with results bitwise equal to eager, over many steps and a changing learning rate', () => {
    const eager = makeModel(1);
    const compiled = makeModel(1);
    const step = compile(compiled.step);
    for (const [index, [x, y]] of batches(12).entries()) {
      eager.setLr(0.05 / (1 + index));
      compiled.setLr(0.05 / (1 + index));
      const expected = eager.step(x, y);
      const actual = step(x, y);
      expect([...actual.dataSync()]).toEqual([...expected.dataSync()]);
      actual.dispose();
      expected.dispose();
    }
    for (const [index, weight] of compiled.weights.entries()) {
      expect([...weight.dataSync()]).toEqual([...eager.weights[index]!.dataSync()]);
      expect([...weight.grad!.dataSync()]).toEqual([...eager.weights[index]!.grad!.dataSync()]);
    }
    // The first call finds no gradients to clear, so the second, which does clear them, traces again.
    expect(step.stats).toMatchObject({ traces: 2, replays: 10 });
    step.dispose();
  });

  it('makes no tensors and holds no new storage on replay, beyond what it returns', () => {
    const model = makeModel(2);
    const step = compile(model.step);
    const [[x, y]] = batches(1);
    step(x!, y!).dispose();
    step(x!, y!).dispose();
    const before = memory();
    for (let i = 0; i < 5; i++) step(x!, y!).dispose();
    expect(memory()).toEqual(before);
    step.dispose();
  });

  it('traces again when the batch shape changes, and when a parameter gets new storage', () => {
    const eager = makeModel(3);
    const compiled = makeModel(3);
    const step = compile(compiled.step);
    const run = (x: Tensor, y: Tensor) => {
      const expected = eager.step(x, y);
      expect([...step(x, y).dataSync()]).toEqual([...expected.dataSync()]);
    };
    const [[x, y], [x2, y2]] = batches(2);
    run(x!, y!);
    run(x!, y!);
    run(x2!, y2!);
    for (const model of [eager, compiled]) noGrad(() => model.weights[0]!.setData(model.weights[0]!.mul(0.5)));
    run(x2!, y2!);
    expect(step.stats.lastRetrace).toMatch(/disposed or replaced/);
    run(x!, y!);
    const [[small, smallTargets]] = batches(1, 5);
    run(small!, smallTargets!);
    expect(step.stats.lastRetrace).toMatch(/shapes/);
    expect(step.stats).toMatchObject({ traces: 4, replays: 2 });
  });

  it('accumulates gradients across calls when the step does not clear them, as eager does', () => {
    const accumulate = (model: ReturnType<typeof makeModel>) => (x: Tensor, y: Tensor) =>
      tidy(() => {
        const loss = model.forward(x, y);
        loss.backward();
        return loss;
      });
    const eager = makeModel(4);
    const compiled = makeModel(4);
    const step = compile(accumulate(compiled));
    for (const [index, [x, y]] of batches(9).entries()) {
      accumulate(eager)(x, y).dispose();
      step(x, y).dispose();
      if (index % 3 === 2) {
        eager.update();
        eager.zeroGrad();
        compiled.update();
        compiled.zeroGrad();
      }
    }
    for (const [index, weight] of compiled.weights.entries()) {
      expect([...weight.dataSync()]).toEqual([...eager.weights[index]!.dataSync()]);
    }
    expect(step.stats.replays).toBeGreaterThan(0);
  });

  it('clears gradients where the caller zeroes them outside the step, without tracing again', () => {
    const backwardOnly = (model: ReturnType<typeof makeModel>) => (x: Tensor, y: Tensor) =>
      tidy(() => {
        const loss = model.forward(x, y);
        loss.backward();
        model.update();
        return loss;
      });
    const eager = makeModel(5);
    const compiled = makeModel(5);
    const step = compile(backwardOnly(compiled));
    for (const [x, y] of batches(6)) {
      eager.zeroGrad();
      backwardOnly(eager)(x, y).dispose();
      compiled.zeroGrad();
      step(x, y).dispose();
    }
    expect([...compiled.weights[1]!.dataSync()]).toEqual([...eager.weights[1]!.dataSync()]);
    expect(step.stats).toMatchObject({ traces: 1, replays: 5 });
  });

  it('refuses host reads and random draws inside the step, with CompileError', () => {
    const [[x]] = batches(1);
    expect(() => compile((input: Tensor) => input.sum().item())(x!)).toThrow(CompileError);
    expect(() => compile((input: Tensor) => tidy(() => input.add(randn(input.shape))))(x!)).toThrow(/random/);
    expect(() => compile((input: Tensor) => checkValues(input.mul(2), (values) => values[0]))(x!)).toThrow(/computed/);
  });

  it('repeats checks of its inputs on every call, throwing where eager would', () => {
    const positive = compile((input: Tensor) =>
      tidy(() => {
        checkValues(input, (values) => {
          if (values.some((value) => value < 0)) throw new RangeError('negative input');
        });
        return input.sqrt();
      }),
    );
    expect([...positive(tensor([4, 9])).dataSync()]).toEqual([2, 3]);
    expect([...positive(tensor([16, 25])).dataSync()]).toEqual([4, 5]);
    expect(() => positive(tensor([1, -1]))).toThrow('negative input');
    expect(positive.stats).toMatchObject({ traces: 1, replays: 1 });
  });

  it('fuses chains of elementwise ops into one elementwiseProgram call per chain, with the same values', () => {
    const backend = getBackend('cpu');
    const programs: ElementwiseProgram[] = [];
    const original = backend.elementwiseProgram!;
    backend.elementwiseProgram = (program, inputs, output) => {
      programs.push(program);
      original(program, inputs, output);
    };
    try {
      const chain = (x: Tensor) => tidy(() => x.mul(0.5).add(1).tanh().square().sub(x).mean());
      const compiled = compile(chain);
      const [[x], [x2]] = batches(2);
      compiled(x!);
      expect(programs).toEqual([]); // the trace runs the ops one by one
      expect([...compiled(x2!).dataSync()]).toEqual([...chain(x2!).dataSync()]);
      expect(programs.map((program) => program.steps.map((step) => step.op))).toEqual([['mul', 'add', 'tanh', 'mul', 'sub']]); // square is x * x
    } finally {
      backend.elementwiseProgram = original;
    }
  });

  it('two compiled steps sharing parameters both trace again when one parameter gets new storage', () => {
    const model = makeModel(6);
    const train = compile(model.step);
    const evaluate = compile((x: Tensor, y: Tensor) => tidy(() => noGrad(() => model.forward(x, y))));
    const [[x, y]] = batches(1);
    for (let i = 0; i < 3; i++) {
      train(x!, y!).dispose();
      evaluate(x!, y!).dispose();
    }
    noGrad(() => model.weights[1]!.setData(model.weights[1]!.mul(2)));
    const expected = noGrad(() => model.forward(x!, y!));
    expect([...evaluate(x!, y!).dataSync()]).toEqual([...expected.dataSync()]);
    train(x!, y!).dispose();
    expect(train.stats.lastRetrace).toMatch(/disposed or replaced/);
    expect(evaluate.stats.lastRetrace).toMatch(/disposed or replaced/);
    train.dispose();
    evaluate.dispose();
  });

  it('keeps a program per batch shape, so alternating shapes replay instead of tracing again', () => {
    const eager = makeModel(7);
    const compiled = makeModel(7);
    const step = compile(compiled.step);
    const [[x, y]] = batches(1);
    const [[small, smallTargets]] = batches(1, 5);
    for (const [input, targets] of [
      [x, y],
      [x, y],
      [small, smallTargets],
      [x, y],
      [small, smallTargets],
      [x, y],
    ] as const) {
      expect([...step(input!, targets!).dataSync()]).toEqual([...eager.step(input!, targets!).dataSync()]);
    }
    expect([...compiled.weights[0]!.dataSync()]).toEqual([...eager.weights[0]!.dataSync()]);
    expect(step.stats).toMatchObject({ traces: 3, replays: 3 });
    step.dispose();
  });
});
