// For the record: TensorFlow.js's OWN training of the course CNN (tf.layers model, tf.train.sgd, tfjs's gradients) on
// its cpu backend, to set beside Lantern's adapter. Needs the umbrella package `@tensorflow/tfjs` (it registers the
// gradients that tfjs-core alone lacks). It is not a workspace dependency (its core-js dependency has a build script
// that the workspace's allowBuilds would have to list), so install it anywhere and point at it:
//   npm install --prefix /tmp/tfjs-umbrella @tensorflow/tfjs@4.22.0
//   TFJS_UMBRELLA=/tmp/tfjs-umbrella/node_modules/@tensorflow/tfjs node bench/tfjs-own-training.mjs [--steps N]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The CommonJS entry, as for tfjs-core: Node's ESM loader rejects the extensionless imports of tfjs's ESM build.
const tf = require(process.env.TFJS_UMBRELLA ?? '@tensorflow/tfjs');
await tf.setBackend('cpu');

/** The course CNN in tf.layers, channels-last, with PyTorch's layer sizes. */
function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 5, padding: 'same' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 64 }));
  model.add(tf.layers.dense({ units: 10 }));
  return model;
}

/** Images/s of `steps` SGD steps (after one warm-up step) at `batchSize`, through tf.train.sgd's minimize. */
export async function measureTfjsOwnTraining({ batchSize = 1, steps = 3 } = {}) {
  const model = createModel();
  const optimizer = tf.train.sgd(0.01);
  const images = tf.randomNormal([batchSize, 32, 32, 3]);
  const labels = tf.oneHot(tf.randomUniform([batchSize], 0, 10, 'int32'), 10);
  const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(images)), true);
  await step().data();
  const start = performance.now();
  let loss;
  for (let i = 0; i < steps; i++) {
    loss?.dispose();
    loss = step();
  }
  const last = (await loss.data())[0];
  const seconds = (performance.now() - start) / 1000;
  return { batchSize, steps, imagesPerSecond: (steps * batchSize) / seconds, lastLoss: last, numTensors: tf.memory().numTensors };
}

const argument = process.argv.indexOf('--steps');
const steps = argument > 0 ? Number(process.argv[argument + 1]) : 3;
for (const batchSize of [1, 64]) {
  const result = await measureTfjsOwnTraining({ batchSize, steps: batchSize === 1 ? steps : 1 });
  console.log(
    `tfjs's own training (tf.layers + tf.train.sgd, tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}) batch ${batchSize}: ` +
      `${result.imagesPerSecond.toFixed(2)} images/s over ${result.steps} steps, last loss ${result.lastLoss.toFixed(4)}`,
  );
}
