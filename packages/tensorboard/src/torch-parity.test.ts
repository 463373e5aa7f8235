import { readFileSync } from 'node:fs';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { tensor } from '@lantern/tensor';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memorySink } from './sink.js';
import { readEvents } from './testing/event-file-reader.js';
import { SummaryWriter } from './writer.js';

await registerCpuBackend();

// src/__fixtures__/torch-events.json: the event files torch 1.13's SummaryWriter wrote for a scenario of calls, with
// the clock pinned to 1700000000.5, host 'fixture-host' and pid 4242 (scripts/generate_fixtures.py). The tests replay
// the same calls on Lantern's SummaryWriter under the same clock and compare the files.
type Argument = unknown;
interface Call {
  run: string;
  method: string;
  args: Argument[];
  kwargs?: Record<string, Argument>;
  options?: { purge_step?: number };
}
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/torch-events.json', import.meta.url), 'utf8')) as {
  time: number;
  hostname: string;
  pid: number;
  calls: Call[];
  files: Array<{ path: string; base64: string }>;
};

function toLantern(argument: Argument): Argument {
  if (typeof argument !== 'object' || argument === null || Array.isArray(argument)) return argument;
  const shaped = argument as { tensor?: number[]; uint8?: number[]; shape: number[] };
  if (shaped.tensor) return tensor(shaped.tensor, { dtype: 'float32', shape: shaped.shape });
  if (shaped.uint8) return { data: Uint8Array.from(shaped.uint8), shape: shaped.shape };
  return argument;
}

function replay(writer: SummaryWriter, call: Call): void {
  const [first, second, step, fourth] = call.args.map(toLantern) as [string, never, number | undefined, never];
  const kwargs = call.kwargs ?? {};
  switch (call.method) {
    case 'add_scalar':
      writer.addScalar(first, second, step, fourth, {
        newStyle: kwargs.new_style as boolean,
        doublePrecision: kwargs.double_precision as boolean,
      });
      return;
    case 'add_scalars':
      writer.addScalars(first, second, step);
      return;
    case 'add_histogram':
      writer.addHistogram(first, second, step, fourth);
      return;
    case 'add_text':
      writer.addText(first, second, step);
      return;
    case 'add_hparams':
      writer.addHparams(first as never, second, {
        hparamDomainDiscrete: kwargs.hparam_domain_discrete as never,
        runName: kwargs.run_name as string,
      });
      return;
    case 'add_image':
      writer.addImage(first, second, step, { dataformats: kwargs.dataformats as string });
      return;
    case 'add_images':
      writer.addImages(first, second, step, { dataformats: kwargs.dataformats as string });
      return;
  }
  throw new Error(`no replay for ${call.method}`);
}

// Event file names end in a per-process file number, which depends on how many files this process made before.
const withoutFileNumber = (path: string) => path.replace(/\.\d+$/, '.<n>');
const decodePng = (bytes: Uint8Array) => PNG.sync.read(Buffer.from(bytes));

describe('the event files of torch 1.13 and of Lantern for the same calls', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(fixture.time * 1000);
  });
  afterEach(() => vi.useRealTimers());

  function lanternFiles() {
    const sink = memorySink({ hostname: fixture.hostname, processId: fixture.pid });
    const writers = new Map<string, SummaryWriter>();
    for (const call of fixture.calls) {
      let writer = writers.get(call.run);
      if (!writer) {
        writer = new SummaryWriter(call.run, { sink, purgeStep: call.options?.purge_step });
        writers.set(call.run, writer);
      }
      replay(writer, call);
    }
    for (const writer of writers.values()) writer.close();
    return new Map(sink.files().map((file) => [withoutFileNumber(file.path), file.bytes]));
  }
  const torchFiles = () =>
    new Map(fixture.files.map((file) => [withoutFileNumber(file.path), new Uint8Array(Buffer.from(file.base64, 'base64'))]));

  it('writes the same files: names (time, host, pid) and directories, addScalars and addHparams runs included', () => {
    expect([...lanternFiles().keys()].sort()).toEqual([...torchFiles().keys()].sort());
    expect([...torchFiles().keys()]).toContain('scalars/losses_valid/events.out.tfevents.1700000000.fixture-host.4242.<n>');
    expect([...torchFiles().keys()]).toContain('hparams/1700000000.5/events.out.tfevents.1700000000.fixture-host.4242.<n>');
  });

  it('writes byte-identical scalar, histogram, text, hparams and purge files', () => {
    const lantern = lanternFiles();
    const compared = [...torchFiles()].filter(([path]) => !path.startsWith('images/'));
    expect(compared.length).toBe(10);
    for (const [path, bytes] of compared)
      expect({ path, hex: Buffer.from(lantern.get(path)!).toString('hex') }).toEqual({
        path,
        hex: Buffer.from(bytes).toString('hex'),
      });
  });

  it('writes the same image events, and PNGs (encoded by different libraries) with the same pixels', () => {
    const path = 'images/events.out.tfevents.1700000000.fixture-host.4242.<n>';
    const lantern = readEvents(lanternFiles().get(path)!);
    const torch = readEvents(torchFiles().get(path)!);
    expect(lantern.length).toBe(torch.length);
    expect(torch.length).toBe(6); // the version record and five images
    for (const [index, torchEvent] of torch.entries()) {
      const lanternEvent = lantern[index]!;
      const [torchImage, lanternImage] = [torchEvent, lanternEvent].map((event) => event.summary?.value[0].image);
      const withoutPng = (event: object) =>
        JSON.parse(JSON.stringify(event, (key, value) => (key === 'encoded_image_string' ? 'png' : value)));
      expect(withoutPng(lanternEvent)).toEqual(withoutPng(torchEvent));
      if (!torchImage) continue;
      const [torchPixels, lanternPixels] = [torchImage, lanternImage].map((image) => decodePng(image.encoded_image_string));
      expect([lanternPixels!.width, lanternPixels!.height]).toEqual([torchPixels!.width, torchPixels!.height]);
      expect(Buffer.from(lanternPixels!.data).equals(Buffer.from(torchPixels!.data))).toBe(true);
    }
  });
});
