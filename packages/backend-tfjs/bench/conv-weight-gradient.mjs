// Why the adapter's conv2dBackwardWeight is a Conv2D: tfjs's own Conv2DBackpropFilter kernel against the same
// gradient computed as a Conv2D (input as [C, H, W, N], gradOutput as the filter [OH, OW, N, O]), at the course
// CNN's three layer shapes, on tfjs's cpu backend. Usage: node bench/conv-weight-gradient.mjs [--batch N]  (after a build)
import { registerTfjsBackend, tf } from '@lantern/backend-tfjs';

await registerTfjsBackend({ tfjsBackend: 'cpu' });
const batch = process.argv.includes('--batch') ? Number(process.argv[process.argv.indexOf('--batch') + 1]) : 2;
const pad = [
  [0, 0],
  [2, 2],
  [2, 2],
  [0, 0],
];

function milliseconds(run) {
  const start = performance.now();
  tf.tidy(() => void run().dataSync());
  return performance.now() - start;
}

console.log(`tfjs ${tf.version_core} '${tf.getBackend()}', batch ${batch}, 5x5 kernels, padding 2: ms per weight gradient`);
for (const [channels, outChannels, size] of [
  [3, 32, 32],
  [32, 32, 16],
  [32, 64, 8],
]) {
  const x = tf.randomNormal([batch, size, size, channels]),
    dy = tf.randomNormal([batch, size, size, outChannels]);
  const backpropFilter = () =>
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: [5, 5, channels, outChannels] },
      );
  const asConv2d = () =>
    tf.slice(
      tf.conv2d(tf.transpose(x, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, pad),
      [0, 0, 0, 0],
      [channels, 5, 5, outChannels],
    );
  const largest = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.transpose(asConv2d(), [1, 2, 0, 3]), backpropFilter()))).dataSync()[0]);
  backpropFilter().dispose();
  asConv2d().dispose();
  const [slow, fast] = [milliseconds(backpropFilter), milliseconds(asConv2d)];
  console.log(
    `  ${channels}->${outChannels} on ${size}x${size}: Conv2DBackpropFilter ${slow.toFixed(1)}, as Conv2D ${fast.toFixed(1)} ` +
      `(${(slow / fast).toFixed(0)}x), largest difference ${largest.toExponential(1)}`,
  );
  x.dispose();
  dy.dispose();
}
