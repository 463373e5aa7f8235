import { exportOnnx } from '@lantern/onnx';
import { zeros } from '@lantern/tensor';
import { writeFileAtomic } from './atomic-file.js';
import type { CourseNet } from './model.js';

export interface ExportTrainedModelOptions {
  /** One example's shape, without the batch dim: [3, 32, 32] for CIFAR-10 images. The batch size stays free. */
  readonly inputShape: readonly number[];
}

/**
 * `--export-onnx FILE`: writes the trained model as an ONNX file (opset 17) that ONNX Runtime runs, with input 'image'
 * of shape [batch, ...inputShape] and output 'logits' of shape [batch, 10]; its weights keep their state-dict names
 * (`model1.0.weight`, …). The file holds the model only: whoever runs it normalises images as training did
 * (--normalize). Written atomically, as the trainer's other outputs are. Returns the file's size in bytes.
 * @example
 * await exportTrainedModel(model, 'course.onnx', { inputShape: [3, 32, 32] });
 */
export async function exportTrainedModel(model: CourseNet, path: string, options: ExportTrainedModelOptions): Promise<number> {
  // The example's values do not matter (the forward pass has no data-dependent branch); zeros draw nothing from
  // the random generator, and live on the model's backend, as exportOnnx wants.
  const backend = model.parameters()[0]?.backend.name;
  const example = zeros([1, ...options.inputShape], { backend });
  try {
    const bytes = await exportOnnx(model, example, {
      inputNames: ['image'],
      outputNames: ['logits'],
      docString: `Lantern cifar-trainer --model ${model.variant}`,
    });
    await writeFileAtomic(path, bytes);
    return bytes.byteLength;
  } finally {
    example.dispose();
  }
}
