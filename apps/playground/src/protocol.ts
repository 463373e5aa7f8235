/**
 * The messages between the page and the training worker. Both sides import these types, so the compiler checks
 * that a field one side sends is the field the other reads.
 */

export const backendChoices = ['wasm', 'webgpu', 'cpu'] as const;
export type BackendChoice = (typeof backendChoices)[number];

export const optimizerChoices = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
export type OptimizerChoice = (typeof optimizerChoices)[number];

/** The trainer's `--model` names, in its order (apps/cifar-trainer/src/model.ts `modelNames`). */
export const modelChoices = ['course', 'course-relu', 'course-bn'] as const;
export type ModelChoice = (typeof modelChoices)[number];
export const modelLabels: Record<ModelChoice, string> = {
  course: 'Course CNN (no activations, as the course)',
  'course-relu': "Course CNN + ReLU (the trainer's course-relu)",
  'course-bn': "Course CNN + BatchNorm + ReLU (the trainer's course-bn)",
};

export interface TrainingConfig {
  model: ModelChoice;
  optimizer: OptimizerChoice;
  lr: number;
  /** SGD and RMSprop only. */
  momentum: number;
  batchSize: number;
  epochs: number;
  /** Train on the first N training images each epoch (all when undefined). */
  trainLimit?: number;
  /** Test on the first N test images (all when undefined): evaluation on a slow backend takes long. */
  testLimit?: number;
  backend: BackendChoice;
  /** wasm worker threads, counting the training worker itself. */
  threads: number;
  seed: number;
}

/** What this browser offers, as the worker found it. */
export interface Capabilities {
  crossOriginIsolated: boolean;
  /** Threads the wasm backend can use here; 1 with the reason when it runs single-threaded. */
  wasmThreads: { available: boolean; reason: string | null; cores: number };
  webgpu: { available: true; adapter: string; fallback: boolean } | { available: false; reason: string };
}

export interface DatasetSummary {
  trainImages: number;
  testImages: number;
  files: string[];
  /** Set when the test images are held out of the training files (no test_batch.bin given). */
  note?: string;
  /** RGBA pixels (32×32×4 bytes each) and labels of the test images the prediction grid shows. */
  gridImages: Uint8ClampedArray[];
  gridLabels: number[];
}

export interface WeightSummary {
  name: string;
  shape: number[];
  /** The float32 values summed in float64, in order: Node recomputes it from the file to check the values. */
  sum: number;
}

export type RunState = 'empty' | 'loading' | 'ready' | 'starting' | 'training' | 'paused' | 'evaluating' | 'stopped' | 'finished';

/** A problem, said for the person at the page: what happened, then what to do about it. */
export interface ProblemReport {
  what: string;
  todo: string;
}

export type PageToWorker =
  | { type: 'probe' }
  | { type: 'load-files'; files: File[] }
  | { type: 'load-url'; url: string }
  | { type: 'start'; config: TrainingConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'evaluate'; config: TrainingConfig }
  | { type: 'save-weights' }
  | { type: 'load-weights'; name: string; bytes: ArrayBuffer; config: TrainingConfig }
  | { type: 'save-events' };

/** One finished epoch, as the worker reports it and the run log records it. */
export interface EpochResult {
  epoch: number;
  meanLoss: number;
  accuracy: number;
  testImages: number;
  /** Training images per second, with the time spent between steps (pauses, predictions) left out. */
  imagesPerSecond: number;
  seconds: number;
}

export type WorkerToPage =
  | { type: 'capabilities'; capabilities: Capabilities }
  | { type: 'state'; state: RunState; detail?: string }
  | { type: 'dataset'; summary: DatasetSummary }
  | { type: 'running-on'; label: string }
  | {
      type: 'progress';
      epoch: number;
      step: number;
      stepsPerEpoch: number;
      /** [global step, mean loss over the steps since the last report] pairs. */
      points: Array<[number, number]>;
      imagesPerSecond: number;
    }
  | ({ type: 'epoch' } & EpochResult)
  | { type: 'predictions'; predicted: number[]; confidence: number[] }
  | { type: 'evaluation'; accuracy: number; testImages: number }
  | { type: 'weights'; bytes: ArrayBuffer; fileName: string; summary: WeightSummary[] }
  | { type: 'weights-loaded'; name: string; tensors: number }
  | { type: 'events'; bytes: ArrayBuffer; fileName: string }
  | { type: 'notice'; text: string }
  | { type: 'problem'; problem: ProblemReport };
