import { registerCpuBackend } from '@lantern/backend-cpu';
import { loadCases, runCase } from '@lantern/conformance';
import { conv2d, manualSeed, maxPool2d, randn, setBackend, type Tensor } from '@lantern/tensor';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerTfjsBackend, tf } from './index.js';
import { setMaxPoolComposition } from './kernels/max-pool2d.js';

await registerCpuBackend();

/** Runs `compute` on fresh seeded inputs on `backend`; returns the output and the inputs' gradients. */
function runOn(backend: string, compute: (x: Tensor, w: Tensor) => Tensor): number[][] {
  setBackend(backend);
  manualSeed(0);
  const x = randn([2, 3, 9, 9]),
    w = randn([4, 3, 3, 3]);
  x.requiresGrad = true;
  w.requiresGrad = true;
  const y = compute(x, w);
  y.square().sum().backward();
  return [y, x.grad, w.grad].map((t) => (t ? Array.from(t.dataSync()) : []));
}

function expectSame(compute: (x: Tensor, w: Tensor) => Tensor): void {
  const [expected, actual] = ['cpu', 'tfjs'].map((backend) => runOn(backend, compute));
  for (const [i, values] of actual!.entries()) {
    for (const [j, value] of values.entries()) expect(value, `output ${i} element ${j}`).toBeCloseTo(expected![i]![j]!, 3);
  }
}

/** Removes a tfjs kernel from tfjs's cpu backend for the duration of `body`, as a backend that lacks it. */
function withoutTfjsKernel(name: string, body: () => void): void {
  const kernel = tf.getKernel(name, 'cpu')!;
  tf.unregisterKernel(name, 'cpu');
  try {
    body();
  } finally {
    tf.registerKernel(kernel);
  }
}

describe('kernels a tfjs backend lacks run on the host', () => {
  beforeAll(async () => {
    await registerTfjsBackend({ tfjsBackend: 'cpu' });
  });
  afterEach(() => vi.restoreAllMocks());

  it('routes conv2d and its weight gradient to the cpu kernels when tfjs has no Conv2D, warning once per kernel', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    withoutTfjsKernel('Conv2D', () => {
      expectSame((x, w) => conv2d(x, w, null, { padding: 1 }));
      expectSame((x, w) => conv2d(x, w, null, { padding: 1 }));
    });
    const messages = warn.mock.calls.map((call) => String(call[0])).filter((m) => m.startsWith('@lantern/backend-tfjs'));
    expect(messages.filter((m) => m.includes("'conv2d' kernel"))).toHaveLength(1);
    expect(messages.filter((m) => m.includes("'conv2dBackwardWeight' kernel"))).toHaveLength(1);
    expect(messages[0]).toMatch(/tfjs backend 'cpu' has no Conv2D kernel; running Lantern's cpu 'conv2d' kernel on host copies/);
  });

  it('routes a primitive whose tfjs kernel is missing', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    withoutTfjsKernel('Erf', () => expectSame((x, w) => conv2d(x.erf(), w)));
  });

  it('routes attributes tfjs cannot take: a stride with a dilation, a dilated input gradient', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expectSame((x, w) => conv2d(x, w, null, { stride: 2, dilation: 2, padding: 1 }));
    expectSame((x, w) => conv2d(x, w, null, { dilation: 2, padding: 2 }));
    const messages = warn.mock.calls.map((call) => String(call[0]));
    expect(messages.some((m) => m.includes('tfjs Conv2D takes a stride or a dilation, not both'))).toBe(true);
    expect(messages.some((m) => m.includes('tfjs Conv2DBackpropInput takes no dilation'))).toBe(true);
  });

  it('pools by composition where tfjs has no MaxPoolWithArgmax (every maxPool2d fixture)', async () => {
    setMaxPoolComposition(true);
    try {
      for (const testCase of loadCases().filter((c) => c.op === 'maxPool2d')) await runCase(testCase, 'tfjs');
      expectSame((x) => maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }).values);
    } finally {
      setMaxPoolComposition(false);
    }
  });
});
