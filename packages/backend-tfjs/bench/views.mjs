// How the adapter realises Lantern's strided views on tfjs tensors, measured: reading a non-contiguous layout as
// slice + reshape + transpose (what views.ts does when strides nest) against a gather with precomputed flat indices
// (its fallback for overlapping or ragged strides), on tfjs's cpu backend.
// Usage: node bench/views.mjs   (after a build)
import { registerTfjsBackend, tf } from '@lantern/backend-tfjs';

await registerTfjsBackend({ tfjsBackend: 'cpu' });

// (tf.tidy must not return the typed array: tfjs walks every key of a returned object looking for tensors.)
const once = (run) => tf.tidy(() => void run().dataSync());

function time(run, minimumMs = 300) {
  once(run);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minimumMs) {
    once(run);
    runs++;
  }
  return (performance.now() - start) / runs;
}

function flatIndices(shape, strides, offset) {
  const size = shape.reduce((a, b) => a * b, 1);
  const indices = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    let rest = i,
      position = offset;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      position += (rest % shape[axis]) * strides[axis];
      rest = Math.floor(rest / shape[axis]);
    }
    indices[i] = position;
  }
  return tf.tensor1d(indices, 'int32');
}

const cases = [
  {
    name: 'transposed weight [1024, 64] (a .t())',
    size: 65536,
    shape: [1024, 64],
    strides: [1, 1024],
    nested: (flat) => tf.transpose(tf.reshape(flat, [64, 1024])),
  },
  {
    name: 'NCHW as NHWC [16, 32, 32, 32] (a permute)',
    size: 524288,
    shape: [16, 32, 32, 32],
    strides: [32768, 1, 1024, 32],
    nested: (flat) => tf.transpose(tf.reshape(flat, [16, 32, 32, 32]), [0, 2, 3, 1]),
  },
  {
    name: 'every other column [256, 128] of [256, 256]',
    size: 65536,
    shape: [256, 128],
    strides: [256, 2],
    nested: (flat) => tf.reshape(tf.slice(tf.reshape(flat, [256, 128, 2]), [0, 0, 0], [256, 128, 1]), [256, 128]),
  },
  {
    name: 'columns 0..63 [1024, 64] of [1024, 128] (a narrow)',
    size: 131072,
    shape: [1024, 64],
    strides: [128, 1],
    nested: (flat) => tf.slice(tf.reshape(flat, [1024, 128]), [0, 0], [1024, 64]),
  },
  {
    name: 'reversed rows [512, 128] (a flip)',
    size: 65536,
    shape: [512, 128],
    strides: [-128, 1],
    offset: 511 * 128,
    nested: (flat) => tf.stridedSlice(tf.reshape(flat, [512, 128]), [511, 0], [512, 128], [-1, 1], 0, 1),
  },
];

console.log(`tfjs ${tf.version_core} on '${tf.getBackend()}': ms per read`);
for (const { name, size, shape, strides, offset = 0, nested } of cases) {
  const flat = tf.randomNormal([size]);
  const indices = flatIndices(shape, strides, offset);
  const viaSlices = time(() => nested(flat));
  const viaGather = time(() => tf.gather(flat, indices));
  console.log(
    `  ${name}: slice/reshape/transpose ${viaSlices.toFixed(2)}, gather ${viaGather.toFixed(2)} (${(viaGather / viaSlices).toFixed(1)}x)`,
  );
  flat.dispose();
  indices.dispose();
}
