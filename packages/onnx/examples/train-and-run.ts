// Trains a small classifier for a few steps, exports it to ONNX and runs the file with onnxruntime-web (in Node here;
// in a web page the same import and the same two calls run it in the browser).
import { registerCpuBackend } from '@lantern/backend-cpu';
import { crossEntropy } from '@lantern/losses';
import { Linear, ReLU, Sequential } from '@lantern/nn';
import { exportOnnx } from '@lantern/onnx';
import { SGD } from '@lantern/optim';
import { manualSeed, randn, tensor } from '@lantern/tensor';
import * as ort from 'onnxruntime-web';

await registerCpuBackend();
manualSeed(0);

// Two classes of points: is x + y positive?
const points = randn([256, 2]);
const labels = points.sum(1).gt(0).int();
const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 2));
const optimizer = new SGD(model.parameters(), { lr: 0.5 });
for (let step = 0; step < 30; step++) {
  optimizer.zeroGrad();
  const loss = crossEntropy(model(points), labels);
  loss.backward();
  optimizer.step();
}

// Export: the example input fixes everything but the batch size, which stays free ('batch').
export const onnxBytes = await exportOnnx(model, randn([1, 2]), { inputNames: ['points'], outputNames: ['logits'] });

// Run the file in ONNX Runtime on three new points, and compare with Lantern's own answer.
const batch = [[1, 2], [-3, 0.5], [0.2, -1]];
const session = await ort.InferenceSession.create(onnxBytes);
const { logits } = await session.run({ points: new ort.Tensor('float32', Float32Array.from(batch.flat()), [3, 2]) });
export const onnxLogits = logits!.data as Float32Array;
export const lanternLogits = model.eval()(tensor(batch).float()).dataSync();
console.log('ONNX Runtime:', Array.from(onnxLogits, (value) => value.toFixed(4)).join(' '));
console.log('Lantern:     ', Array.from(lanternLogits, (value) => value.toFixed(4)).join(' '));
