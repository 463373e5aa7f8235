import type { Tensor } from '@lantern/tensor';

export interface CourseCnn {
  readonly parameters: Tensor[];
  forward(images: Tensor): Tensor;
}
export function createCourseCnn(seed?: number): CourseCnn;
export function trainStep(model: CourseCnn, images: Tensor, labels: Tensor, lr?: number): Tensor;
export function randomBatch(batchSize: number, seed?: number): { images: Tensor; labels: Tensor };
export function trainingFlopsPerImage(): number;
