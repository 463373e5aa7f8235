import { createRequire } from 'node:module';
import type { Measurement } from './pytorch-reference.js';

// TensorFlow.js's own webgpu backend training the course CNN, as a second anchor beside PyTorch for Lantern's webgpu
// backend: same driver, same process, same shapes. tfjs is loaded through its CommonJS entries (Node's ESM loader
// rejects the extensionless imports of tfjs's ESM build), and `@tensorflow/tfjs-layers` is what registers tfjs's
// gradients (its Node bundle carries tfjs-core's gradient table; tfjs-core alone registers none), besides giving
// `tf.layers`. All of it stays out of the trainer's dependencies: only `pnpm bench` needs it.

const requiredPackages = [
  'webgpu@^0.6.2',
  '@tensorflow/tfjs-core@4.22.0',
  '@tensorflow/tfjs-layers@4.22.0',
  '@tensorflow/tfjs-backend-webgpu@4.22.0',
];

/** tfjs's webgpu backend could not be loaded or started here; the message says what to install. */
export class TfjsWebgpuUnavailableError extends Error {
  override name = 'TfjsWebgpuUnavailableError';
}

/** The slice of tfjs that the measurement uses (tfjs-core's and tfjs-layers' CommonJS exports). */
interface Tfjs {
  version_core: string;
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
  randomNormal(shape: number[]): { dispose(): void };
  randomUniform(shape: number[], min: number, max: number, dtype: 'int32'): { dispose(): void };
  oneHot(indices: unknown, depth: number): { dispose(): void };
  train: { sgd(learningRate: number): { minimize(loss: () => unknown, returnCost: true): TfjsScalar } };
  losses: { softmaxCrossEntropy(labels: unknown, logits: unknown): unknown };
}
interface TfjsScalar {
  data(): Promise<Float32Array>;
  dispose(): void;
}
interface TfjsLayers {
  sequential(): { add(layer: unknown): void; apply(input: unknown): unknown };
  layers: {
    conv2d(config: object): unknown;
    maxPooling2d(config: object): unknown;
    flatten(): unknown;
    dense(config: object): unknown;
  };
}
interface LoadedTfjs {
  tf: Tfjs;
  tfLayers: TfjsLayers;
  adapter: string;
  /** Dawn's GPU object: Dawn tears its instance down when this is collected, so it lives as long as the module. */
  gpu: unknown;
}

let loading: Promise<LoadedTfjs> | null = null;

function requireOrExplain(require: NodeJS.Require, name: string): unknown {
  try {
    return require(name);
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new TfjsWebgpuUnavailableError(
      `the tfjs-webgpu reference needs ${name}, which is not installed: npm install --save-dev ${requiredPackages.join(' ')}`,
    );
  }
}

async function load(): Promise<LoadedTfjs> {
  const require = createRequire(import.meta.url);
  const dawn = requireOrExplain(require, 'webgpu') as {
    create(flags: string[]): { requestAdapter(): Promise<{ info?: Record<string, string> } | null> };
    globals: Record<string, unknown>;
  };
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new TfjsWebgpuUnavailableError(
      "the tfjs-webgpu reference found no WebGPU adapter through the 'webgpu' package (without a GPU on Linux, " +
        "install Mesa's lavapipe: apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1)",
    );
  }
  // tfjs-backend-webgpu registers itself at load time only if it sees navigator.gpu, and uses the GPUBufferUsage-style
  // constants as globals, which a browser has and Node does not.
  const global = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in global)) global[name] = value;
  if (typeof global.navigator !== 'object' || global.navigator === null) global.navigator = {};
  Object.defineProperty(global.navigator, 'gpu', { value: gpu, configurable: true });
  const tf = requireOrExplain(require, '@tensorflow/tfjs-core') as Tfjs;
  const tfLayers = requireOrExplain(require, '@tensorflow/tfjs-layers') as TfjsLayers;
  requireOrExplain(require, '@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) {
    throw new TfjsWebgpuUnavailableError("tfjs's webgpu backend failed to initialise on this adapter (see the warning above)");
  }
  await tf.ready();
  const info = adapter.info ?? {};
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((part) => part);
  const name = parts.length > 0 ? [...new Set(parts)].join(' ') : 'unnamed adapter';
  return { tf, tfLayers, adapter: `tfjs ${tf.version_core} webgpu on ${name}`, gpu };
}

function loadTfjs(): Promise<LoadedTfjs> {
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** "tfjs 4.22.0 webgpu on <adapter>": which tfjs and which adapter the reference ran on, for a benchmark's header. */
export async function describeTfjsWebgpu(): Promise<string> {
  return (await loadTfjs()).adapter;
}

/**
 * Images/s of TensorFlow.js's webgpu backend training the course CNN (tf.layers, channels-last, PyTorch's layer sizes;
 * softmax cross entropy; tf.train.sgd(0.01)) on one random batch: at least a second and two steps of warm-up (shader
 * compilation), then `steps` timed steps, waiting on the last loss. Throws TfjsWebgpuUnavailableError naming what to
 * install when tfjs or the `webgpu` package is missing.
 */
export async function measureTfjsWebgpu(batchSize: number, steps: number, threads = 1): Promise<Measurement> {
  const { tf, tfLayers } = await loadTfjs();
  const { layers } = tfLayers;
  const model = tfLayers.sequential();
  model.add(layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 5, padding: 'same' }));
  model.add(layers.maxPooling2d({ poolSize: 2 }));
  model.add(layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same' }));
  model.add(layers.maxPooling2d({ poolSize: 2 }));
  model.add(layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same' }));
  model.add(layers.maxPooling2d({ poolSize: 2 }));
  model.add(layers.flatten());
  model.add(layers.dense({ units: 64 }));
  model.add(layers.dense({ units: 10 }));
  const optimizer = tf.train.sgd(0.01);
  const images = tf.randomNormal([batchSize, 32, 32, 3]);
  const indices = tf.randomUniform([batchSize], 0, 10, 'int32');
  const labels = tf.oneHot(indices, 10);
  const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(images)), true);
  try {
    let warmUpSteps = 0;
    for (const warmUpEnd = performance.now() + 1000; warmUpSteps < 2 || performance.now() < warmUpEnd; warmUpSteps++) {
      const loss = step();
      await loss.data();
      loss.dispose();
    }
    const start = performance.now();
    let last = step();
    for (let i = 1; i < steps; i++) {
      last.dispose();
      last = step();
    }
    await last.data(); // tfjs queues GPU work: every step has finished once the last loss is read
    const seconds = (performance.now() - start) / 1000;
    last.dispose();
    return { system: 'tfjs-webgpu', batchSize, threads, imagesPerSecond: (steps * batchSize) / seconds };
  } finally {
    for (const tensor of [images, indices, labels]) tensor.dispose();
    (model as unknown as { dispose?: () => void }).dispose?.();
    (optimizer as unknown as { dispose?: () => void }).dispose?.();
  }
}
