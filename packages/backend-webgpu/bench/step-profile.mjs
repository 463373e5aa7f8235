// What a training step of the course CNN costs on 'webgpu' besides device time: images/s, then per step the dispatches
// (by kernel), queue submits and bind groups, and the host milliseconds spent recording it (trainStep's own time, before
// any wait on the GPU). Build first: pnpm turbo run build --filter=@lantern/backend-webgpu...
// Usage: node bench/step-profile.mjs [--batch 64] [--steps 5] [--rounds 2] [--compile]
// --compile: the same step through compile() from @lantern/tensor (traced once, then replayed with fused elementwise
// chains); the batch is uploaded outside the step, as a compiled step takes its data as arguments.

import { registerWebGPUBackend } from '@lantern/backend-webgpu';
import { compile, fromArray, Generator, runEagerly, sgdUpdate_, softmaxCrossEntropy, tidy } from '@lantern/tensor';
import { createParameters, trainStep as eagerStep, forward, initialParameters, randomBatch } from './course-cnn.mjs';

const argument = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const batchSize = Number(argument('batch', '64'));
const steps = Number(argument('steps', '5'));
const rounds = Number(argument('rounds', '2'));
const compiled = process.argv.includes('--compile');

const backend = await registerWebGPUBackend();
const gpu = backend.runtime.gpu;
console.log(`webgpu adapter: ${backend.adapterDescription}`);

const parameters = createParameters(initialParameters(new Generator(0)), 'webgpu');
const batch = randomBatch(new Generator(1), batchSize);

// The course step with its data as arguments and the update run eagerly on every call (as optimizers do).
const compiledStep = compile((images, labels) =>
  tidy(() => {
    const loss = softmaxCrossEntropy(forward(parameters, images), labels).mean();
    for (const parameter of parameters) parameter.grad = null;
    loss.backward();
    runEagerly(() => {
      for (const parameter of parameters) sgdUpdate_(parameter, parameter.grad, null, { lr: 0.01 });
    });
    return loss;
  }),
);
function trainStep(parameters, batch) {
  if (!compiled) return eagerStep(parameters, batch);
  const images = fromArray(batch.images, [batch.labels.length, 3, 32, 32], 'float32', { backend: 'webgpu' });
  const labels = fromArray(batch.labels, [batch.labels.length], 'int32', { backend: 'webgpu' });
  const loss = compiledStep(images, labels);
  images.dispose();
  labels.dispose();
  return loss;
}

/** Times `steps` steps after one warm-up step; the loss is read once, after the last. */
async function timeSteps() {
  const warm = trainStep(parameters, batch);
  await warm.data();
  warm.dispose();
  const before = gpu.statistics();
  let hostMilliseconds = 0;
  const start = performance.now();
  let loss = null;
  for (let step = 0; step < steps; step++) {
    loss?.dispose();
    const recordStart = performance.now();
    loss = trainStep(parameters, batch);
    hostMilliseconds += performance.now() - recordStart;
  }
  await loss.data();
  loss.dispose();
  const seconds = (performance.now() - start) / 1000;
  const after = gpu.statistics();
  const perStep = (key) => (after[key] - before[key]) / steps;
  return {
    imagesPerSecond: (steps * batchSize) / seconds,
    stepMilliseconds: (seconds * 1000) / steps,
    hostMilliseconds: hostMilliseconds / steps,
    dispatches: perStep('dispatches'),
    submits: perStep('submits'),
    bindGroups: perStep('bindGroupsCreated'),
    bindGroupsReused: perStep('bindGroupsReused'),
  };
}

async function best(count) {
  let result = null;
  for (let round = 0; round < count; round++) {
    const current = await timeSteps();
    if (!result || current.imagesPerSecond > result.imagesPerSecond) result = current;
  }
  return result;
}

// A compiled step traces on its first calls; count what its replays dispatch.
for (let warmUp = 0; warmUp < 2; warmUp++) {
  const loss = trainStep(parameters, batch);
  await loss.data();
  loss.dispose();
}

// Dispatches per kernel family (the pipeline label up to its first ':') over one step, counted on the way through.
const counts = new Map();
const dispatch = gpu.dispatch.bind(gpu);
gpu.dispatch = (pipeline, ...rest) => {
  const family = (pipeline.pipeline.label || 'unlabelled').split(':')[0];
  counts.set(family, (counts.get(family) ?? 0) + 1);
  dispatch(pipeline, ...rest);
};
const counted = trainStep(parameters, batch);
await counted.data();
counted.dispose();
gpu.dispatch = dispatch;

const result = await best(rounds);
console.log(
  `${compiled ? 'compiled' : 'eager'}, batch ${batchSize}: ${result.imagesPerSecond.toFixed(1)} images/s, ${result.stepMilliseconds.toFixed(0)} ms/step; per step ` +
    `${result.dispatches} dispatches, ${result.submits} submits, ${result.bindGroups} bind groups created ` +
    `(${result.bindGroupsReused} reused), ` +
    `${result.hostMilliseconds.toFixed(1)} ms on the host`,
);
console.log(`  dispatches by kernel: ${[...counts].map(([family, count]) => `${family} ${count}`).join(', ')}`);
for (const parameter of parameters) parameter.dispose();
backend.destroy();
