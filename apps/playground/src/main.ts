import { cifar10Classes } from '@lantern/data';
import type { PageToWorker, RunState, TrainingConfig, WorkerToPage } from './protocol.js';
import { AccuracyChart, LossChart } from './ui/charts.js';
import { byId, ConfigError, Controls } from './ui/controls.js';
import { Messages } from './ui/messages.js';
import { PredictionGrid } from './ui/predictions.js';
import { addEpochRow, clearEpochRows, download, setStat, showCapabilities, showDataset, showWeightSummary } from './ui/status.js';

/**
 * The page: it holds no tensors. Lantern trains in a module worker; the page sends it the person's choices and
 * draws what it reports, so a long step never blocks scrolling, clicking or the charts.
 */

const messages = new Messages(byId('messages'));
const controls = new Controls();
const lossChart = new LossChart(byId('loss-chart'));
const accuracyChart = new AccuracyChart(byId('accuracy-chart'));
const grid = new PredictionGrid(byId('predictions'));

let state: RunState = 'empty';
let hasData = false;
let hasModel = false;
let runEpochs = 0;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: PageToWorker) => worker.postMessage(message);

const stateLabels: Record<RunState, string> = {
  empty: 'no data',
  loading: 'reading data…',
  ready: 'ready',
  starting: 'starting…',
  training: 'training',
  paused: 'paused',
  evaluating: 'evaluating…',
  stopped: 'stopped',
  finished: 'finished',
};

function setState(next: RunState): void {
  state = next;
  document.body.dataset.state = next;
  setStat('state', stateLabels[next]);
  controls.setState(next, hasData, hasModel);
}

function readConfig(): TrainingConfig | null {
  try {
    return controls.read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    messages.problem({
      what: `${error.field} must be ${error.expected}.`,
      todo: `Correct the ${error.field} field, then try again.`,
    });
    return null;
  }
}

const handlers: { [Type in WorkerToPage['type']]: (message: Extract<WorkerToPage, { type: Type }>) => void } = {
  capabilities: ({ capabilities }) => {
    showCapabilities(capabilities);
    controls.setCapabilities(capabilities);
  },
  state: ({ state: next }) => setState(next),
  dataset: ({ summary }) => {
    hasData = true;
    hasModel = false;
    showDataset(summary);
    grid.setImages(summary.gridImages, summary.gridLabels);
  },
  'running-on': ({ label }) => {
    byId('running-on').textContent = label;
    byId('running-on').classList.add('active');
  },
  progress: ({ epoch, step, stepsPerEpoch, points, imagesPerSecond }) => {
    lossChart.add(points);
    setStat('epoch', `${epoch} / ${runEpochs}`);
    setStat('step', `${step.toLocaleString('en')} / ${stepsPerEpoch.toLocaleString('en')}`);
    setStat('speed', imagesPerSecond.toFixed(0));
    setStat('loss', points.at(-1)![1].toFixed(4));
  },
  epoch: (result) => {
    accuracyChart.add(result.epoch, result.accuracy);
    addEpochRow(result);
    setStat('accuracy', `${(result.accuracy * 100).toFixed(1)}%`);
  },
  predictions: ({ predicted, confidence }) => {
    hasModel = true;
    grid.show(predicted, confidence);
  },
  evaluation: ({ accuracy, testImages }) => {
    setStat('accuracy', `${(accuracy * 100).toFixed(1)}%`);
    messages.notice(`Evaluation: ${(accuracy * 100).toFixed(1)}% of ${testImages.toLocaleString('en')} test images right.`);
  },
  weights: ({ bytes, fileName, summary }) => {
    showWeightSummary(summary);
    download(bytes, fileName);
  },
  'weights-loaded': ({ name, tensors }) => {
    messages.notice(`Loaded ${tensors} tensors from ${name}: Start continues from them, Evaluate tests them.`);
  },
  events: ({ bytes, fileName }) => download(bytes, fileName),
  notice: ({ text }) => messages.notice(text),
  problem: ({ problem }) => messages.problem(problem),
};

worker.onmessage = (event: MessageEvent<WorkerToPage>) => {
  const message = event.data;
  (handlers[message.type] as (message: WorkerToPage) => void)(message);
};
worker.onerror = (event) => {
  event.preventDefault();
  messages.problem({
    what: `The training worker failed: ${event.message || 'it could not be loaded'}.`,
    todo: 'Reload the page. Lantern needs a browser with module workers and WebAssembly SIMD (Chrome or Edge 91+, Firefox 89+, Safari 16.4+).',
  });
  setState(hasData ? 'stopped' : 'empty');
};

byId<HTMLInputElement>('data-files').addEventListener('change', (event) => {
  const files = [...((event.target as HTMLInputElement).files ?? [])];
  if (files.length === 0) return;
  messages.clearProblems();
  send({ type: 'load-files', files });
});

byId<HTMLFormElement>('url-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const url = byId<HTMLInputElement>('data-url').value.trim();
  if (url === '')
    return messages.problem({ what: 'No URL was given.', todo: 'Type the address of cifar-10-binary.tar.gz or a .bin file.' });
  messages.clearProblems();
  send({ type: 'load-url', url });
});

byId('start').addEventListener('click', () => {
  const config = readConfig();
  if (!config) return;
  messages.clearProblems();
  lossChart.clear();
  accuracyChart.clear();
  clearEpochRows();
  runEpochs = config.epochs;
  for (const stat of ['epoch', 'step', 'speed', 'loss', 'accuracy'] as const) setStat(stat, '–');
  hasModel = true;
  send({ type: 'start', config });
});

byId('pause').addEventListener('click', () => send({ type: state === 'paused' ? 'resume' : 'pause' }));
byId('stop').addEventListener('click', () => send({ type: 'stop' }));
byId('evaluate').addEventListener('click', () => {
  const config = readConfig();
  if (config) send({ type: 'evaluate', config });
});
byId('save-weights').addEventListener('click', () => send({ type: 'save-weights' }));
byId('save-events').addEventListener('click', () => send({ type: 'save-events' }));

byId<HTMLInputElement>('load-weights').addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  const config = readConfig();
  if (!file || !config) return;
  messages.clearProblems();
  send({ type: 'load-weights', name: file.name, bytes: await file.arrayBuffer(), config });
});

// The class names the grid shows, for people who wonder what CIFAR-10's labels are.
byId('predictions').title = `CIFAR-10 classes: ${cifar10Classes.join(', ')}`;
setState('empty');
send({ type: 'probe' });
