// In a browser: log to memory, then hand the event file to the user as a download.
import { memorySink, SummaryWriter } from '@lantern/tensorboard';

const sink = memorySink();
export const writer = new SummaryWriter('runs/browser', { sink });
for (let step = 0; step < 10; step++) writer.addScalar('loss', 1 / (step + 1), step);
writer.addImage('checkerboard', { data: [1, 0, 0, 1], shape: [2, 2] }, 0, { dataformats: 'HW' });
writer.close();

// One file here; addScalars and addHparams add files in sub-directories, listed by sink.files().
export const eventFile = new Blob([writer.eventFileBytes()], { type: 'application/octet-stream' });

/** Saves a blob under the event file's own name (TensorBoard finds files by the "tfevents" in their names). */
export function download(blob: Blob, fileName = writer.eventFilePath.split('/').at(-1)!): void {
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: fileName });
  link.click();
  URL.revokeObjectURL(link.href);
}
