import { cifar10Classes } from '@lantern/data';
import { crossEntropy } from '@lantern/losses';
import type { Module } from '@lantern/nn';
import { noGrad, type Tensor, tidy } from '@lantern/tensor';

/** The model's results on the evaluation split: overall, and per class (counts indexed by CIFAR-10 class). */
export interface Evaluation {
  accuracy: number;
  /** Mean cross-entropy per image, without label smoothing, so that recipes compare on one scale. */
  loss: number;
  correct: number[];
  total: number[];
}

/** The predicted class of each image (argmax of the logits), in eval mode; the model is back in train mode after. */
export async function predict(model: Module, images: Tensor): Promise<number[]> {
  model.eval();
  try {
    const argmax = noGrad(() => tidy(() => (model(images) as Tensor).argmax(1)));
    const predicted = Array.from(await argmax.data());
    argmax.dispose();
    return predicted;
  } finally {
    model.train();
  }
}

/**
 * Accuracy, mean loss and per-class counts over `loader`, in eval mode (BatchNorm uses its running statistics), with
 * no gradients recorded. Batches are disposed as they are read.
 */
export async function evaluate(model: Module, loader: AsyncIterable<[Tensor, Tensor]>): Promise<Evaluation> {
  const correct = new Array<number>(cifar10Classes.length).fill(0);
  const total = new Array<number>(cifar10Classes.length).fill(0);
  let lossSum = 0;
  model.eval();
  try {
    for await (const [images, labels] of loader) {
      const [argmax, summed] = noGrad(() =>
        tidy(() => {
          const outputs = model(images) as Tensor;
          return [outputs.argmax(1), crossEntropy(outputs, labels, { reduction: 'sum' })];
        }),
      );
      const [predicted, truth, loss] = await Promise.all([argmax!.data(), labels.data(), summed!.data()]);
      lossSum += loss[0]!;
      for (let index = 0; index < truth.length; index++) {
        const label = truth[index]!;
        total[label]! += 1;
        if (predicted[index] === label) correct[label]! += 1;
      }
      for (const tensor of [argmax!, summed!, images, labels]) tensor.dispose();
    }
  } finally {
    model.train();
  }
  const count = total.reduce((sum, value) => sum + value, 0);
  const hits = correct.reduce((sum, value) => sum + value, 0);
  return { accuracy: hits / count, loss: lossSum / count, correct, total };
}

/** The per-class accuracy table printed at the end of an --eval run: one line per class, aligned. */
export function classAccuracyTable(evaluation: Evaluation): string[] {
  const width = Math.max(...cifar10Classes.map((name) => name.length));
  const lines = [`${'class'.padEnd(width)}  accuracy  correct/total`];
  cifar10Classes.forEach((name, index) => {
    const { correct, total } = { correct: evaluation.correct[index]!, total: evaluation.total[index]! };
    const percent = total === 0 ? '-'.padStart(7) : `${((correct / total) * 100).toFixed(2).padStart(6)}%`;
    lines.push(`${name.padEnd(width)}  ${percent.padEnd(8)}  ${correct}/${total}`);
  });
  return lines;
}
