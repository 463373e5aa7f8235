// Test models (not exported from the package). The course CNN is built here layer for layer as the trainer builds it
// (apps/cifar-trainer/src/model.ts, which a package cannot import); the trainer's own test exports its real models.
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GELU,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  Module,
  Parameter,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@lantern/nn';
import { adaptiveAvgPool2d, avgPool2d, cat, maxPool2d, noGrad, randn, stack, type Tensor, where } from '@lantern/tensor';

export type CourseVariant = 'course' | 'course-relu' | 'course-bn';

/** The course's CNN: Sequential `model1` of three conv/pool blocks and Linear 1024→64→10, with ReLU/BatchNorm variants. */
export class CourseNet extends Module {
  readonly model1: Sequential;

  constructor(variant: CourseVariant) {
    super();
    const relu = variant !== 'course';
    const block = (inChannels: number, outChannels: number): Module[] => [
      new Conv2d(inChannels, outChannels, 5, { padding: 2 }),
      ...(variant === 'course-bn' ? [new BatchNorm2d(outChannels)] : []),
      ...(relu ? [new ReLU()] : []),
      new MaxPool2d(2),
    ];
    this.model1 = new Sequential(
      ...block(3, 32),
      ...block(32, 32),
      ...block(32, 64),
      new Flatten(),
      new Linear(1024, 64),
      ...(relu ? [new ReLU()] : []),
      new Linear(64, 10),
    );
  }

  forward(x: Tensor): Tensor {
    return this.model1(x);
  }
}

/**
 * A small model that calls every op the issue lists: Conv (stride, padding, dilation, groups), MaxPool, AveragePool,
 * Flatten and Reshape, Gemm, MatMul + Add, Relu, Sigmoid, Tanh, GELU (both forms), LeakyReLU, Softmax, LogSoftmax,
 * BatchNormalization, Dropout, Add/Sub/Mul/Div, Concat and Transpose.
 */
export class EveryOpNet extends Module {
  readonly stem = new Conv2d(3, 8, 3, { padding: 1 });
  readonly norm = new BatchNorm2d(8);
  readonly grouped = new Conv2d(8, 8, 3, { padding: 2, dilation: 2, groups: 4 });
  readonly strided = new Conv2d(16, 16, 3, { stride: 2, padding: 1, bias: false });
  readonly same = new Conv2d(16, 16, 4, { padding: 'same' });
  readonly maxPool = new MaxPool2d(2);
  readonly averagePool = new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false });
  readonly flatten = new Flatten();
  readonly hidden = new Linear(16 * 2 * 2, 24);
  readonly features = new BatchNorm1d(24);
  readonly gelu = new GELU();
  readonly geluTanh = new GELU('tanh');
  readonly leaky = new LeakyReLU(0.2);
  readonly sigmoid = new Sigmoid();
  readonly tanh = new Tanh();
  readonly dropout = new Dropout(0.3);
  readonly projection = new Parameter(randn([24, 12]).mul(0.2));
  readonly projectionBias = new Parameter(randn([12]).mul(0.1));
  readonly sequenceLayer = new Linear(6, 5);
  readonly softmax = new Softmax(-1);
  readonly logSoftmax = new LogSoftmax(1);

  forward(x: Tensor): Tensor {
    const stem = this.norm(this.stem(x)).relu();
    const mixed = this.grouped(stem);
    const joined = cat([stem.add(mixed), stem.mul(mixed).sub(0.5).div(2)], 1);
    let y = this.maxPool(this.strided(joined)); // [N, 16, 4, 4]
    y = this.averagePool(this.same(y)).transpose(2, 3);
    y = this.maxPool(y); // [N, 16, 2, 2]
    const hidden = this.features(this.hidden(this.flatten(y)));
    const activated = this.gelu(hidden).add(this.geluTanh(hidden)).add(this.leaky(hidden));
    const gated = this.dropout(this.sigmoid(activated).mul(this.tanh(activated)));
    const projected = gated.matmul(this.projection).add(this.projectionBias); // [N, 12]
    const sequence = this.sequenceLayer(projected.reshape([-1, 2, 6])); // [N, 2, 5]: MatMul + Add
    return cat([this.softmax(sequence), this.logSoftmax(sequence)], 2).reshape([-1, 20]);
  }
}

/** Puts non-trivial running statistics into every BatchNorm: a few training-mode passes on random batches of `inputShape` items. */
export function warmBatchNorm(module: Module, inputShape: readonly number[]): void {
  module.train();
  noGrad(() => {
    for (let step = 0; step < 3; step++)
      module(
        randn([8, ...inputShape])
          .mul(2)
          .add(0.5),
      );
  });
  module.eval();
}

/** The models every export test runs: the course CNN's three variants and the every-op model, with their input size. */
export const modelCases = [
  { name: 'course', build: () => new CourseNet('course'), inputShape: [3, 32, 32] },
  { name: 'course-relu', build: () => new CourseNet('course-relu'), inputShape: [3, 32, 32] },
  { name: 'course-bn', build: () => new CourseNet('course-bn'), inputShape: [3, 32, 32] },
  { name: 'every op', build: () => new EveryOpNet(), inputShape: [3, 16, 16] },
  { name: 'more ops', build: () => new MoreOpsNet(), inputShape: [4, 6] },
] as const;

/**
 * The rest of the mapped ops, each on a [N, 4, 6] input and joined into one [N, k] output: elementwise functions,
 * comparisons and where, clamp, reductions, squeeze/unsqueeze, stack, expand, permute, casts, views, pooling variants.
 */
export class MoreOpsNet extends Module {
  readonly projection = new Parameter(randn([5, 6]).mul(0.3));

  forward(x: Tensor): Tensor {
    const positive = x.abs().add(0.5);
    const elementwise = positive
      .sqrt()
      .add(positive.log())
      .add(positive.rsqrt())
      .add(positive.reciprocal())
      .add(x.neg().exp())
      .add(x.sin().mul(x.cos()))
      .add(x.sign().add(x.erf()))
      .add(x.mul(3).floor().sub(x.mul(3).ceil()))
      .add(x.square().sub(positive.pow(1.5)).maximum(x).minimum(2));
    const clamped = x.clamp(-0.5, 0.5).add(x.clamp(null, 0.2)).add(x.clamp(0));
    const condition = x
      .gt(0)
      .logicalAnd(x.lt(1))
      .logicalOr(x.le(-1).logicalAnd(x.ge(-2)))
      .logicalOr(x.eq(0))
      .logicalAnd(x.ne(0.5));
    const selected = x
      .where(condition, x.mul(2))
      .add(where(condition.logicalNot(), 1, x))
      .add(condition.float().add(condition.int()));
    const sums = x.sum(2).add(x.mean(-1)); // [N, 4]
    const scalar = x.mean([1, 2], true).squeeze([1, 2]).unsqueeze(1); // [N, 1]
    const stacked = stack([x.sum(2), x.mean(2)], 1).flatten(1); // [N, 8]
    const expanded = x.mean(2, true).expandAs(x).permute(0, 2, 1).contiguous(); // [N, 6, 4]
    const projected = x.matmul(this.projection.t()).transpose(1, 2).clone(); // [N, 5, 4]
    const image = x.view([-1, 1, 4, 6]);
    const pooled = [
      adaptiveAvgPool2d(image, [2, 3]),
      avgPool2d(image, 3, { stride: 1, padding: 1 }),
      maxPool2d(image, 2, { stride: 1, padding: 1, dilation: 2 }).values,
    ].map((tensor) => tensor.flatten(1));
    const flat = [elementwise, clamped, selected, expanded, projected.unsqueeze(3)].map((tensor) => tensor.flatten(1));
    return cat([...flat, sums, scalar, stacked, ...pooled], 1);
  }
}
