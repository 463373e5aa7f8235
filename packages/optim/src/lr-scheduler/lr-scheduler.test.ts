import { registerCpuBackend } from '@lantern/backend-cpu';
import { zeros } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { type SchedulerCase, type SchedulerSpec, schedulerFixture } from '../__fixtures__/fixtures.js';
import {
  Adagrad,
  Adam,
  lrScheduler,
  type Optimizer,
  type OptimizerStateDict,
  SchedulerError,
  SGD,
  stateDictFromJson,
  stateDictToJson,
} from '../index.js';

await registerCpuBackend();

type AnyScheduler = lrScheduler.LRScheduler | lrScheduler.ReduceLROnPlateau | lrScheduler.SequentialLR;

const lambdas: Record<string, lrScheduler.LrLambda> = {
  pow095: (epoch) => 0.95 ** epoch,
  pow09: (epoch) => 0.9 ** epoch,
  inverse: (epoch) => 1 / (epoch + 1),
};

/** Two groups (lr 0.1 and 0.05), as in the generator. */
function createOptimizer(kind: SchedulerCase['optimizer']): Optimizer {
  const groups = [
    { params: [zeros([2]).requiresGrad_()], lr: 0.1 },
    { params: [zeros([2]).requiresGrad_()], lr: 0.05 },
  ];
  return kind === 'Adam' ? new Adam(groups, { betas: [0.9, 0.999] }) : new SGD(groups, { lr: 0.1, momentum: 0.9 });
}

function createScheduler(optimizer: Optimizer, spec: SchedulerSpec): AnyScheduler {
  // biome-ignore lint/suspicious/noExplicitAny: fixture arguments, a different shape per scheduler.
  const args = { ...spec.args } as Record<string, any>;
  switch (spec.scheduler) {
    case 'StepLR':
      return new lrScheduler.StepLR(optimizer, args as lrScheduler.StepLROptions);
    case 'MultiStepLR':
      return new lrScheduler.MultiStepLR(optimizer, args as lrScheduler.MultiStepLROptions);
    case 'ExponentialLR':
      return new lrScheduler.ExponentialLR(optimizer, args as lrScheduler.ExponentialLROptions);
    case 'CosineAnnealingLR':
      return new lrScheduler.CosineAnnealingLR(optimizer, args as lrScheduler.CosineAnnealingLROptions);
    case 'LinearLR':
      return new lrScheduler.LinearLR(optimizer, args);
    case 'LambdaLR': {
      const names = args.lrLambda as string | string[];
      const lrLambda = Array.isArray(names) ? names.map((name) => lambdas[name]!) : lambdas[names]!;
      return new lrScheduler.LambdaLR(optimizer, { ...args, lrLambda });
    }
    case 'OneCycleLR':
      return new lrScheduler.OneCycleLR(optimizer, args as lrScheduler.OneCycleLROptions);
    case 'ReduceLROnPlateau':
      return new lrScheduler.ReduceLROnPlateau(optimizer, args);
    case 'SequentialLR': {
      const schedulers = (args.schedulers as SchedulerSpec[]).map(
        (child) => createScheduler(optimizer, child) as lrScheduler.LRScheduler,
      );
      return new lrScheduler.SequentialLR(optimizer, { ...args, schedulers } as unknown as lrScheduler.SequentialLROptions);
    }
    default:
      throw new Error(`unknown scheduler ${spec.scheduler}`);
  }
}

function setUp(testCase: SchedulerCase) {
  const optimizer = createOptimizer(testCase.optimizer);
  const schedulers = testCase.chain.map((spec) => createScheduler(optimizer, spec));
  const step = (index: number) => {
    optimizer.step();
    for (const scheduler of schedulers) {
      if (scheduler instanceof lrScheduler.ReduceLROnPlateau) scheduler.step(testCase.metrics![index]!);
      else if (testCase.epochs) (scheduler as lrScheduler.LRScheduler).step(testCase.epochs[index]!);
      else scheduler.step();
    }
  };
  const momenta = () =>
    optimizer.paramGroups.map((group) =>
      testCase.optimizer === 'Adam'
        ? (group as unknown as { betas: number[] }).betas[0]!
        : (group as unknown as { momentum: number }).momentum,
    );
  return { optimizer, schedulers, step, momenta };
}

function expectLrs(actual: readonly number[], expected: readonly number[], label: string): void {
  expect(actual.length, label).toBe(expected.length);
  actual.forEach((value, index) => {
    const tolerance = 1e-17 + 1e-13 * Math.abs(expected[index]!);
    if (!(Math.abs(value - expected[index]!) <= tolerance))
      throw new Error(`${label}: group ${index} has ${value}, PyTorch has ${expected[index]}`);
  });
}

const cases = schedulerFixture.cases.map((testCase) => [testCase.name, testCase] as const);

describe('scheduler sequences match torch 1.13', () => {
  it.each(cases)('%s', (_name, testCase) => {
    const { optimizer, schedulers, step, momenta } = setUp(testCase);
    const last = schedulers[schedulers.length - 1]!;
    testCase.lrs.forEach((expected, index) => {
      if (index > 0) step(index - 1);
      expectLrs(
        optimizer.paramGroups.map((group) => group.lr),
        expected,
        `lr after ${index} steps`,
      );
      if (!(last instanceof lrScheduler.ReduceLROnPlateau) || index > 0)
        expectLrs(last.getLastLr(), expected, `getLastLr after ${index} steps`);
      if (testCase.momenta) expectLrs(momenta(), testCase.momenta[index]!, `momentum after ${index} steps`);
    });
    if (testCase.stepPastEndMessage) {
      const oneCycle = last as lrScheduler.OneCycleLR;
      oneCycle.step();
      expectLrs(oneCycle.getLastLr(), testCase.lastLrs!, 'lr at step totalSteps');
      expect(() => oneCycle.step()).toThrow(new SchedulerError(`OneCycleLR: ${testCase.stepPastEndMessage}`));
    }
  });
});

describe('scheduler stateDict round trip: save halfway through JSON, restore into fresh objects, continue', () => {
  it.each(cases)('%s', async (_name, testCase) => {
    const half = Math.floor(testCase.steps / 2);
    const original = setUp(testCase);
    for (let index = 0; index < half; index++) original.step(index);
    const text = JSON.stringify({
      optimizer: await stateDictToJson(original.optimizer.stateDict()),
      schedulers: original.schedulers.map((scheduler) => scheduler.stateDict()),
    });
    const saved = JSON.parse(text);
    const resumed = setUp(testCase);
    resumed.optimizer.loadStateDict(stateDictFromJson<OptimizerStateDict>(saved.optimizer));
    for (const [index, scheduler] of resumed.schedulers.entries()) scheduler.loadStateDict(saved.schedulers[index]);
    for (let index = half; index < testCase.steps; index++) {
      resumed.step(index);
      expectLrs(
        resumed.optimizer.paramGroups.map((group) => group.lr),
        testCase.lrs[index + 1]!,
        `lr after ${index + 1} steps`,
      );
      if (testCase.momenta) expectLrs(resumed.momenta(), testCase.momenta[index + 1]!, `momentum after ${index + 1} steps`);
    }
  });

  it('ReduceLROnPlateau keeps an infinite best through JSON', () => {
    const optimizer = createOptimizer('SGD');
    const scheduler = new lrScheduler.ReduceLROnPlateau(optimizer, { mode: 'max' });
    const restored = new lrScheduler.ReduceLROnPlateau(optimizer, { mode: 'max' });
    restored.best = 5;
    restored.loadStateDict(JSON.parse(JSON.stringify(scheduler.stateDict())));
    expect(restored.best).toBe(-Infinity);
  });

  it('LambdaLR leaves its functions out of the state dict', () => {
    const scheduler = new lrScheduler.LambdaLR(createOptimizer('SGD'), { lrLambda: lambdas.pow09! });
    const state = scheduler.stateDict();
    expect(state).not.toHaveProperty('lrLambdas');
    expect(state).toMatchObject({ lastEpoch: 0, baseLrs: [0.1, 0.05], stepCount: 1, lastLr: [0.1, 0.05] });
  });
});

describe('scheduler argument validation raises PyTorch messages', () => {
  it.each(schedulerFixture.errors.map((error) => [`${error.scheduler} ${JSON.stringify(error.args)}`, error] as const))(
    '%s',
    (_label, error) => {
      expect(() => createScheduler(createOptimizer('SGD'), error)).toThrow(
        new SchedulerError(`${error.scheduler}: ${error.message}`),
      );
    },
  );

  it('OneCycleLR needs an optimizer with momentum or betas when cycling momentum', () => {
    const optimizer = new Adagrad([zeros([1]).requiresGrad_()], { lr: 0.1 });
    expect(() => new lrScheduler.OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: 10 })).toThrow(
      new SchedulerError('OneCycleLR: optimizer must support momentum with `cycle_momentum` option enabled'),
    );
    expect(() => new lrScheduler.OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: 10, cycleMomentum: false })).not.toThrow();
  });

  it('resuming needs initialLr in every group', () => {
    const optimizer = createOptimizer('SGD');
    expect(() => new lrScheduler.StepLR(optimizer, { stepSize: 2, lastEpoch: 3 })).toThrow(
      new SchedulerError("param 'initialLr' is not specified in paramGroups[0] when resuming an optimizer"),
    );
  });
});
