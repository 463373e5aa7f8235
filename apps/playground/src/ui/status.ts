import type { Capabilities, DatasetSummary, WeightSummary, WorkerToPage } from '../protocol.js';
import { byId } from './controls.js';

/** The "This browser" card: what the page can run on, and why not where it cannot. */
export function showCapabilities(capabilities: Capabilities): void {
  const items: Array<[string, boolean, string]> = [
    [
      'Cross-origin isolated',
      capabilities.crossOriginIsolated,
      capabilities.crossOriginIsolated ? 'yes: SharedArrayBuffer is available' : 'no: the server does not send COOP/COEP',
    ],
    [
      'wasm threads',
      capabilities.wasmThreads.available,
      capabilities.wasmThreads.available
        ? `yes, up to ${capabilities.wasmThreads.cores} (cores reported by the browser)`
        : `no, single-threaded: ${capabilities.wasmThreads.reason}`,
    ],
    [
      'WebGPU',
      capabilities.webgpu.available,
      capabilities.webgpu.available
        ? `${capabilities.webgpu.adapter}${capabilities.webgpu.fallback ? ' (a software fallback adapter: slow)' : ''}`
        : `not available: ${capabilities.webgpu.reason}`,
    ],
    ['cpu', true, 'always (JavaScript reference kernels)'],
  ];
  byId('capabilities').replaceChildren(
    ...items.map(([name, ok, detail]) => {
      const item = document.createElement('li');
      item.className = ok ? 'ok' : 'missing';
      item.dataset.capability = name;
      item.append(Object.assign(document.createElement('strong'), { textContent: name }), ` ${detail}`);
      return item;
    }),
  );
}

export function showDataset(summary: DatasetSummary): void {
  const count = (value: number) => value.toLocaleString('en');
  const text = `${count(summary.trainImages)} training and ${count(summary.testImages)} test images from ${summary.files.join(', ')}.`;
  const element = byId('data-summary');
  element.textContent = summary.note ? `${text} ${summary.note}` : text;
  element.classList.remove('muted');
}

/** What the last download held: each tensor's shape and the sum of its values (to compare with what loads elsewhere). */
export function showWeightSummary(summary: readonly WeightSummary[]): void {
  const rows = summary.map(({ name, shape, sum }) => {
    const row = document.createElement('tr');
    row.dataset.name = name;
    row.dataset.sum = String(sum);
    for (const text of [name, `[${shape.join(', ')}]`, sum.toPrecision(6)])
      row.append(Object.assign(document.createElement('td'), { textContent: text }));
    return row;
  });
  byId('weights-table').replaceChildren(...rows);
  byId('weights-details').hidden = false;
}

export function setStat(id: 'state' | 'epoch' | 'step' | 'speed' | 'loss' | 'accuracy', text: string): void {
  byId(`stat-${id}`).textContent = text;
}

/** Saves bytes the worker sent as a file, through a temporary object URL. */
export function download(bytes: ArrayBuffer, fileName: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One row per finished epoch under the accuracy chart; its data attributes carry the unrounded figures. */
export function addEpochRow(result: Extract<WorkerToPage, { type: 'epoch' }>): void {
  const row = document.createElement('tr');
  row.dataset.epoch = String(result.epoch);
  row.dataset.imagesPerSecond = String(result.imagesPerSecond);
  row.dataset.accuracy = String(result.accuracy);
  row.title = `${result.testImages.toLocaleString('en')} test images; ${result.seconds.toFixed(1)} s of training`;
  for (const text of [
    String(result.epoch),
    result.meanLoss.toFixed(4),
    `${(result.accuracy * 100).toFixed(1)}%`,
    result.imagesPerSecond.toFixed(0),
  ])
    row.append(Object.assign(document.createElement('td'), { textContent: text }));
  byId('epoch-table').querySelector('tbody')!.append(row);
  byId('epoch-table').hidden = false;
}

export function clearEpochRows(): void {
  byId('epoch-table').querySelector('tbody')!.replaceChildren();
  byId('epoch-table').hidden = true;
}
