import {
  type BackendChoice,
  backendChoices,
  type Capabilities,
  type ModelChoice,
  modelChoices,
  modelLabels,
  type OptimizerChoice,
  optimizerChoices,
  type RunState,
  type TrainingConfig,
} from '../protocol.js';

/** Finds an element the page's HTML declares; a missing id is a bug in index.html, said by name. */
export function byId<Element extends HTMLElement = HTMLElement>(id: string): Element {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no element #${id}`);
  return element as Element;
}

const optimizerLabels: Record<OptimizerChoice, string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop' };

function fill(select: HTMLSelectElement, values: readonly string[], label: (value: string) => string): void {
  select.replaceChildren(...values.map((value) => new Option(label(value), value)));
}

/** A problem with what the person typed: which field, and what it must be. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${field} must be ${expected}`);
  }
}

function numberField(id: string, label: string, check: (value: number) => boolean, expected: string): number {
  const input = byId<HTMLInputElement>(id);
  const value = Number(input.value);
  if (input.value.trim() === '' || !Number.isFinite(value) || !check(value)) {
    input.setCustomValidity(expected);
    throw new ConfigError(label, expected);
  }
  input.setCustomValidity('');
  return value;
}

const positiveInteger = (value: number) => Number.isInteger(value) && value >= 1;

/** The training form: model, backend, optimizer and numbers, read and checked before each start. */
export class Controls {
  private capabilities: Capabilities | null = null;

  constructor() {
    fill(byId('model'), modelChoices, (value) => modelLabels[value as ModelChoice]);
    fill(byId('optimizer'), optimizerChoices, (value) => optimizerLabels[value as OptimizerChoice]);
    fill(byId('backend'), backendChoices, (value) => value);
    byId('backend').addEventListener('change', () => this.showBackendNote());
  }

  read(): TrainingConfig {
    const limit = byId<HTMLInputElement>('train-limit').value.trim();
    const testLimit = byId<HTMLInputElement>('test-limit').value.trim();
    return {
      model: byId<HTMLSelectElement>('model').value as ModelChoice,
      optimizer: byId<HTMLSelectElement>('optimizer').value as OptimizerChoice,
      backend: byId<HTMLSelectElement>('backend').value as BackendChoice,
      lr: numberField('lr', 'Learning rate', (value) => value > 0, 'a number above 0'),
      momentum: numberField(
        'momentum',
        'Momentum',
        (value) => value >= 0 && value < 1,
        'a number from 0 up to (not including) 1',
      ),
      batchSize: numberField('batch-size', 'Batch size', positiveInteger, 'a whole number of at least 1'),
      epochs: numberField('epochs', 'Epochs', positiveInteger, 'a whole number of at least 1'),
      trainLimit:
        limit === ''
          ? undefined
          : numberField('train-limit', 'Images / epoch', positiveInteger, 'a whole number of at least 1, or empty for all'),
      testLimit:
        testLimit === ''
          ? undefined
          : numberField('test-limit', 'Test images', positiveInteger, 'a whole number of at least 1, or empty for all'),
      threads: numberField('threads', 'Threads', (value) => positiveInteger(value) && value <= 64, 'a whole number from 1 to 64'),
      seed: numberField('seed', 'Seed', (value) => Number.isInteger(value) && value >= 0, 'a whole number of at least 0'),
    };
  }

  /** Offers what this browser has: WebGPU only with an adapter, threads up to the core count. */
  setCapabilities(capabilities: Capabilities): void {
    this.capabilities = capabilities;
    const webgpu = byId<HTMLSelectElement>('backend').querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
    webgpu.disabled = !capabilities.webgpu.available;
    webgpu.textContent = capabilities.webgpu.available ? `webgpu (${capabilities.webgpu.adapter})` : 'webgpu (no adapter here)';
    const threads = byId<HTMLInputElement>('threads');
    if (capabilities.wasmThreads.available) threads.value = String(Math.min(capabilities.wasmThreads.cores, 8));
    else threads.value = '1';
    threads.disabled = !capabilities.wasmThreads.available;
    this.showBackendNote();
  }

  private showBackendNote(): void {
    const note = byId('backend-note');
    const capabilities = this.capabilities;
    const backend = byId<HTMLSelectElement>('backend').value as BackendChoice;
    let text = '';
    if (capabilities && backend === 'wasm' && !capabilities.wasmThreads.available)
      text = `wasm runs single-threaded here: ${capabilities.wasmThreads.reason}.`;
    if (backend === 'cpu') text = 'cpu is the plain JavaScript reference backend: correct, and some 25× slower than wasm.';
    byId<HTMLInputElement>('threads').disabled = backend !== 'wasm' || !capabilities?.wasmThreads.available;
    note.textContent = text;
    note.hidden = text === '';
  }

  /** Enables the buttons that make sense in `state`. */
  setState(state: RunState, hasData: boolean, hasModel: boolean): void {
    const running = state === 'training' || state === 'paused' || state === 'starting';
    const busy = running || state === 'loading' || state === 'evaluating';
    byId<HTMLButtonElement>('start').disabled = busy || !hasData;
    byId<HTMLButtonElement>('start').textContent = hasModel && !running ? 'Start new run' : 'Start';
    const pause = byId<HTMLButtonElement>('pause');
    pause.disabled = state !== 'training' && state !== 'paused';
    pause.textContent = state === 'paused' ? 'Resume' : 'Pause';
    byId<HTMLButtonElement>('stop').disabled = !running;
    byId<HTMLButtonElement>('evaluate').disabled = busy || !hasData;
    byId<HTMLButtonElement>('save-weights').disabled =
      !hasModel || state === 'training' || state === 'starting' || state === 'evaluating';
    // The log only grows between steps, so it can be taken mid-run.
    byId<HTMLButtonElement>('save-events').disabled = !hasModel || state === 'starting';
    byId('load-weights-label').classList.toggle('disabled', running);
    byId<HTMLInputElement>('load-weights').disabled = running;
    byId<HTMLInputElement>('data-files').disabled = busy;
    for (const id of [
      'model',
      'backend',
      'optimizer',
      'lr',
      'momentum',
      'batch-size',
      'epochs',
      'train-limit',
      'test-limit',
      'seed',
    ])
      byId<HTMLInputElement>(id).disabled = running;
    if (!running) this.showBackendNote();
    else byId<HTMLInputElement>('threads').disabled = true;
  }
}
