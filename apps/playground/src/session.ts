import { ToTensor } from '@lantern/data';
import { decodeSafetensors, encodeSafetensors, type Module, SafetensorsError, StateDictError } from '@lantern/nn';
import type { Optimizer } from '@lantern/optim';
import { manualSeed, stack, type Tensor } from '@lantern/tensor';
import { activateBackend, describeBackendProblem } from './backends.js';
import { DataSourceError, fetchSource, type NamedBlob, readCifarSources } from './data-sources.js';
import { createModel } from './models.js';
import { ProgressReporter } from './progress.js';
import type { ModelChoice, ProblemReport, TrainingConfig, WeightSummary, WorkerToPage } from './protocol.js';
import { RunControl } from './run-control.js';
import { RunLog } from './run-log.js';
import { type Splits, slice, splitBatches, toRgba } from './splits.js';
import { createOptimizer, DivergedError, evaluate, predict, train } from './training.js';

/** The test images the prediction grid shows. */
export const gridSize = 16;

type Post = (message: WorkerToPage, transfer?: Transferable[]) => void;

/**
 * Everything the training worker holds: the data, the model and its optimizer, the run in progress. Messages from
 * the page arrive as method calls; every failure becomes a `problem` message, so the page always hears what went
 * wrong and the worker stays usable.
 */
export class TrainingSession {
  private splits: Splits | null = null;
  private model: Module | null = null;
  private modelChoice: ModelChoice | null = null;
  /** The backend the model's parameters live on. */
  private modelBackend: TrainingConfig['backend'] | null = null;
  private pendingWeights: { name: string; bytes: Uint8Array; model: ModelChoice } | null = null;
  private control: RunControl | null = null;
  private runLog: RunLog | null = null;
  private busy = false;

  constructor(private readonly post: Post) {}

  get running(): boolean {
    return this.control !== null;
  }

  private problem(problem: ProblemReport): void {
    this.post({ type: 'problem', problem: { what: problem.what, todo: problem.todo } });
  }

  /** Runs `task`, turning any error into a message on the page; `backend` helps word backend errors. */
  private async guarded(task: () => Promise<void>, backend: TrainingConfig['backend'] = 'cpu'): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.problem(await describeError(error, backend));
    }
  }

  async loadData(sources: () => Promise<NamedBlob[]>): Promise<void> {
    if (this.running) return this.problem({ what: 'A run is in progress.', todo: 'Stop it before loading other data.' });
    this.post({ type: 'state', state: 'loading' });
    await this.guarded(async () => {
      const splits = splitBatches(await readCifarSources(await sources()));
      this.splits = splits;
      const grid = Array.from({ length: gridSize }, (_, index) => splits.test.getItem(index));
      this.post({
        type: 'dataset',
        summary: {
          trainImages: splits.train.length,
          testImages: splits.test.length,
          files: splits.files,
          note: splits.note,
          gridImages: grid.map(([image]) => toRgba(image)),
          gridLabels: grid.map(([, label]) => label),
        },
      });
    });
    this.post({ type: 'state', state: this.splits ? 'ready' : 'empty' });
  }

  loadFiles(files: File[]): Promise<void> {
    return this.loadData(async () => files.map((file) => ({ name: file.name, blob: file })));
  }

  loadUrl(url: string): Promise<void> {
    return this.loadData(async () => [await fetchSource(url)]);
  }

  /** A model of `config.model` on the active backend, from loaded weights when there are some for that model. */
  private buildModel(config: TrainingConfig): Module {
    manualSeed(config.seed);
    const model = createModel(config.model);
    const weights = this.pendingWeights;
    if (weights && weights.model === config.model) {
      model.loadStateDict(decodeSafetensors(weights.bytes).tensors);
      this.post({ type: 'notice', text: `Starting from the weights in ${weights.name}.` });
      this.pendingWeights = null;
    }
    this.model = model;
    this.modelChoice = config.model;
    this.modelBackend = config.backend;
    return model;
  }

  private gridTensor(): Tensor {
    const toTensor = ToTensor();
    return stack(Array.from({ length: gridSize }, (_, index) => toTensor(this.splits!.test.getItem(index)[0]) as Tensor));
  }

  private async postPredictions(model: Module, grid: Tensor): Promise<void> {
    this.post({ type: 'predictions', ...(await predict(model, grid)) });
  }

  async start(config: TrainingConfig): Promise<void> {
    if (this.running || this.busy) return;
    const splits = this.splits;
    if (!splits) return this.problem({ what: 'No data is loaded yet.', todo: 'Pick CIFAR-10 files or give a URL first.' });
    let reporter: ProgressReporter | null = null;
    const control = new RunControl({
      paused: () => {
        reporter?.flush();
        this.post({ type: 'state', state: 'paused' });
      },
      resumed: () => this.post({ type: 'state', state: 'training' }),
    });
    this.control = control;
    this.post({ type: 'state', state: 'starting' });
    let outcome: 'finished' | 'stopped' = 'stopped';
    await this.guarded(async () => {
      this.post({ type: 'running-on', label: await activateBackend(config.backend, config.threads) });
      const model = this.buildModel(config);
      const optimizer = createOptimizer(config, model);
      const grid = this.gridTensor();
      const runLog = new RunLog(config);
      this.runLog = runLog;
      const progress = new ProgressReporter(this.post);
      reporter = progress;
      this.post({ type: 'state', state: 'training' });
      try {
        outcome = await this.runEpochs(model, optimizer, config, control, grid, runLog, progress);
        progress.flush(false);
        await this.postPredictions(model, grid);
      } finally {
        grid.dispose();
      }
    }, config.backend);
    control.close();
    this.control = null;
    this.post({ type: 'state', state: outcome });
  }

  /** The training loop with the worker's hooks: progress, the TensorBoard log, pauses, predictions. */
  private runEpochs(
    model: Module,
    optimizer: Optimizer,
    config: TrainingConfig,
    control: RunControl,
    grid: Tensor,
    runLog: RunLog,
    progress: ProgressReporter,
  ): Promise<'finished' | 'stopped'> {
    // Predictions take at most a tenth of the time: every 1.5 s, or less often where a forward pass is slow.
    let nextPredictions = performance.now() + 1500;
    return train(model, optimizer, this.splits!, config, {
      step: (epoch, step, stepsPerEpoch, loss, images) => {
        progress.record(epoch, step, stepsPerEpoch, loss, images);
        runLog.step((epoch - 1) * stepsPerEpoch + step, loss);
      },
      betweenSteps: async () => {
        progress.flushIfDue();
        const { stop, pausedMs } = await control.checkpoint();
        if (pausedMs > 0) progress.restartClock();
        let excludedMs = pausedMs;
        if (!stop && performance.now() > nextPredictions) {
          const start = performance.now();
          await this.postPredictions(model, grid);
          const took = performance.now() - start;
          nextPredictions = performance.now() + Math.max(1500, 10 * took);
          excludedMs += took;
          progress.excludeTime(took);
        }
        return { stop, excludedMs };
      },
      // The epoch's test evaluation ran since the last step: it stays off the images/s clock.
      epoch: (result) => {
        progress.flush(false);
        progress.restartClock();
        runLog.epoch(result);
        this.post({ type: 'epoch', ...result });
      },
    });
  }

  pause(): void {
    this.control?.pause();
  }

  resume(): void {
    this.control?.resume();
  }

  stop(): void {
    this.control?.stop();
  }

  async evaluate(config: TrainingConfig): Promise<void> {
    if (this.running || this.busy || !this.splits) return;
    const splits = this.splits;
    this.busy = true;
    this.post({ type: 'state', state: 'evaluating' });
    await this.guarded(async () => {
      // The trained model is evaluated where its parameters are; loaded weights go to the chosen backend.
      const reuse = this.model !== null && this.pendingWeights === null;
      const backend = reuse ? this.modelBackend! : config.backend;
      this.post({ type: 'running-on', label: await activateBackend(backend, config.threads) });
      const model = reuse ? this.model! : this.buildModel(config);
      const testSet = config.testLimit ? slice(splits.test, 0, Math.min(config.testLimit, splits.test.length)) : splits.test;
      const accuracy = await evaluate(model, testSet);
      this.post({ type: 'evaluation', accuracy, testImages: testSet.length });
      const grid = this.gridTensor();
      await this.postPredictions(model, grid);
      grid.dispose();
    }, config.backend);
    this.busy = false;
    this.post({ type: 'state', state: 'stopped' });
  }

  async saveWeights(): Promise<void> {
    const model = this.model;
    if (!model) return this.problem({ what: 'There are no weights yet.', todo: 'Train (or load weights) first.' });
    if (this.control && !this.control.isPaused) {
      return this.problem({ what: 'The weights change with every step.', todo: 'Pause the run, then download them.' });
    }
    await this.guarded(async () => {
      const stateDict = model.stateDict();
      const summary: WeightSummary[] = [];
      for (const [name, tensor] of Object.entries(stateDict)) {
        const values = await tensor.data();
        let sum = 0;
        for (const value of values) sum += value;
        summary.push({ name, shape: [...tensor.shape], sum });
      }
      const bytes = await encodeSafetensors(stateDict, { metadata: { format: 'pt', model: this.modelChoice ?? 'course' } });
      const buffer = bytes.buffer as ArrayBuffer;
      this.post({ type: 'weights', bytes: buffer, fileName: `lantern-${this.modelChoice}.safetensors`, summary }, [buffer]);
    });
  }

  saveEvents(): void {
    const runLog = this.runLog;
    if (!runLog) {
      this.problem({ what: 'There is no run to log yet.', todo: 'Start a run first.' });
      return;
    }
    // A fresh copy of the log each time, so its buffer can be handed over instead of copied again.
    const { bytes, fileName } = runLog.eventFile();
    this.post({ type: 'events', bytes: bytes.buffer, fileName }, [bytes.buffer]);
  }

  /** Checks the file against a fresh model of the chosen kind; the next start or evaluation begins from it. */
  async loadWeights(name: string, bytes: Uint8Array, config: TrainingConfig): Promise<void> {
    if (this.running) return this.problem({ what: 'A run is in progress.', todo: 'Stop it before loading weights.' });
    await this.guarded(async () => {
      const { tensors } = decodeSafetensors(bytes);
      createModel(config.model).loadStateDict(tensors);
      this.pendingWeights = { name, bytes, model: config.model };
      this.post({ type: 'weights-loaded', name, tensors: Object.keys(tensors).length });
    });
  }
}

async function describeError(error: unknown, backend: TrainingConfig['backend']): Promise<ProblemReport> {
  if (error instanceof DataSourceError) return error;
  const fromBackend = await describeBackendProblem(error, backend);
  if (fromBackend) return fromBackend;
  if (error instanceof DivergedError) {
    return {
      what: `Training diverged: the loss became ${error.value} at epoch ${error.epoch}, step ${error.step}, and the run stopped.`,
      todo: `Lower the learning rate (it is ${error.lr}; try ${error.lr / 10}) and start again.`,
    };
  }
  if (error instanceof SafetensorsError) {
    return {
      what: `That file is not a readable safetensors file: ${error.message}.`,
      todo: 'Pick a .safetensors file saved by the playground, the trainer (--save) or PyTorch.',
    };
  }
  if (error instanceof StateDictError) {
    return {
      what: `Those weights do not fit the chosen model: ${error.message}.`,
      todo: 'Choose the model they were saved from (each of the three has its own keys; the playground names its files after the model, as lantern-course-bn.safetensors), then load them again.',
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    what: `Something failed: ${message}.`,
    todo: 'Reload the page and try again; if it happens again, report it with this message.',
  };
}
