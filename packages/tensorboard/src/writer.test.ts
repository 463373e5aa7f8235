import { registerCpuBackend } from '@lantern/backend-cpu';
import { tensor } from '@lantern/tensor';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TensorBoardError } from './errors.js';
import { defaultLogDir } from './log-dir.js';
import { memorySink } from './sink.js';
import { readEvents } from './testing/event-file-reader.js';
import { SummaryWriter } from './writer.js';

await registerCpuBackend();

const start = Date.UTC(2026, 11, 5, 9, 30, 0, 250); // 1796463000.25 s
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(start);
});
afterEach(() => vi.useRealTimers());

// What the sink holds now, without flushing (the flush tests), and after flushing.
const written = (writer: SummaryWriter) => readEvents(writer.sink.read(writer.eventFilePath));
const events = (writer: SummaryWriter) => readEvents(writer.eventFileBytes());

describe('SummaryWriter: files and directories', () => {
  it("names the event file as TensorBoard's writer does: events.out.tfevents.<10-digit time>.<host>.<pid>.<n><suffix>", () => {
    const writer = new SummaryWriter('logs/a', { sink: memorySink({ hostname: 'box', processId: 77 }), filenameSuffix: '.v2' });
    expect(writer.eventFilePath).toMatch(/^logs\/a\/events\.out\.tfevents\.1796463000\.box\.77\.\d+\.v2$/);
    const next = new SummaryWriter('logs/a', { sink: writer.sink });
    const fileNumber = (path: string) => Number(path.split('.').at(-1));
    expect(fileNumber(next.eventFilePath)).toBe(fileNumber(writer.eventFilePath.replace(/\.v2$/, '')) + 1);
  });

  it('defaults the log directory to runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment> in local time', () => {
    expect(defaultLogDir('host', '', new Date(2026, 0, 7, 3, 4, 5))).toBe('runs/Jan07_03-04-05_host');
    expect(defaultLogDir('my-laptop', 'LR_0.1', new Date(2026, 11, 25, 23, 59, 9))).toBe('runs/Dec25_23-59-09_my-laptopLR_0.1');
    const writer = new SummaryWriter({ sink: memorySink({ hostname: 'h' }), comment: '_exp' });
    expect(writer.getLogdir()).toBe(defaultLogDir('h', '_exp', new Date(start)));
    expect(writer.logDir).toMatch(/^runs\/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_h_exp$/);
    expect(new SummaryWriter('given', { comment: 'ignored' }).logDir).toBe('given');
  });

  it('starts every file with the brain.Event:2 version record at the creation time, written at once', () => {
    const writer = new SummaryWriter('runs/x');
    expect(written(writer)).toEqual([{ wall_time: start / 1000, file_version: 'brain.Event:2' }]);
  });

  it('writes addScalars values to one file per sub-tag, in <logDir>/<mainTag with / as _>_<tag>, under the main tag', () => {
    const sink = memorySink();
    const writer = new SummaryWriter('runs/s', { sink });
    writer.addScalars('loss/all', { train: 0.5, valid: tensor([0.75]) }, 3, 12.5);
    writer.close();
    const directories = sink.files().map((file) => file.path.slice(0, file.path.lastIndexOf('/')));
    expect(directories).toEqual(['runs/s', 'runs/s/loss_all_train', 'runs/s/loss_all_valid']);
    const valid = readEvents(sink.files()[2]!.bytes);
    expect(valid[1]).toEqual({ wall_time: 12.5, step: 3, summary: { value: [{ tag: 'loss/all', simple_value: 0.75 }] } });
  });
});

describe('SummaryWriter: values', () => {
  it('writes scalars as float32 simple values, at the given step (none: step 0, left out) and wall time (default now)', () => {
    const writer = new SummaryWriter('runs/x');
    writer.addScalar('loss', 0.1, 5);
    writer.addScalar('loss', tensor(2.5), 6.9, 100.25);
    writer.addScalar('lr', 0.01);
    writer.addScalar('exact', 1 / 3, 1, undefined, { newStyle: true, doublePrecision: true });
    expect(events(writer).slice(1)).toEqual([
      { wall_time: start / 1000, step: 5, summary: { value: [{ tag: 'loss', simple_value: Math.fround(0.1) }] } },
      { wall_time: 100.25, step: 6, summary: { value: [{ tag: 'loss', simple_value: 2.5 }] } },
      { wall_time: start / 1000, summary: { value: [{ tag: 'lr', simple_value: Math.fround(0.01) }] } },
      {
        wall_time: start / 1000,
        step: 1,
        summary: {
          value: [
            {
              tag: 'exact',
              tensor: { dtype: 2, double_val: [1 / 3], float_val: [], string_val: [] },
              metadata: { plugin_data: { plugin_name: 'scalars' } },
            },
          ],
        },
      },
    ]);
  });

  it('writes a histogram of a tensor, an image as PNG and text with the text plugin', () => {
    const writer = new SummaryWriter('runs/x');
    writer.addHistogram(
      'weights',
      tensor([
        [1, 2],
        [2, 3],
      ]),
      1,
    );
    writer.addImage('picture', tensor([0, 1], { shape: [1, 1, 2] }), 2);
    writer.addText('notes', 'Loss **fell**', 3);
    const [histogram, image, text] = events(writer)
      .slice(1)
      .map((event) => event.summary.value[0]);
    expect(histogram.histo).toMatchObject({ min: 1, max: 3, num: 4, sum: 8, sum_squares: 18 });
    expect(histogram.histo.bucket.reduce((total: number, count: number) => total + count, 0)).toBe(4);
    expect(image.image).toMatchObject({ height: 1, width: 2, colorspace: 3 });
    expect([...image.image.encoded_image_string.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // 'PNG'
    expect(text).toEqual({
      tag: 'notes/text_summary',
      metadata: { plugin_data: { plugin_name: 'text' } },
      tensor: {
        dtype: 7,
        tensor_shape: { dim: [{ size: 1 }] },
        string_val: [new TextEncoder().encode('Loss **fell**')],
        float_val: [],
        double_val: [],
      },
    });
  });

  it('refuses a scalar of several elements and a non-finite step, naming the method', () => {
    const writer = new SummaryWriter('runs/x');
    expect(() => writer.addScalar('loss', tensor([1, 2]))).toThrow(
      new TensorBoardError('addScalar: Tensor should contain one element (0 dimensions). Was given size: 2 and 1 dimensions.'),
    );
    expect(() => writer.addScalar('loss', 1, Number.NaN)).toThrow('global step must be a finite number, got NaN');
  });
});

describe('SummaryWriter: flush and close', () => {
  it('holds events until maxQueue are pending, flush() or close() is called', () => {
    const writer = new SummaryWriter('runs/q', { maxQueue: 3 });
    writer.addScalar('a', 1, 1);
    writer.addScalar('a', 2, 2);
    expect(written(writer)).toHaveLength(1);
    writer.addScalar('a', 3, 3); // the third pending event triggers a write
    expect(written(writer)).toHaveLength(4);
    writer.addScalar('a', 4, 4);
    expect(written(writer)).toHaveLength(4);
    writer.flush();
    expect(written(writer)).toHaveLength(5);
    writer.addScalar('a', 5, 5);
    writer.close();
    expect(written(writer).map((event) => event.step)).toEqual([undefined, 1, 2, 3, 4, 5]);
  });

  it('writes everything pending once flushSecs have passed, when the next event arrives', () => {
    const writer = new SummaryWriter('runs/t', { flushSecs: 120 });
    writer.addScalar('a', 1, 1);
    vi.setSystemTime(start + 119_000);
    writer.addScalar('a', 2, 2);
    expect(written(writer)).toHaveLength(1);
    vi.setSystemTime(start + 120_000);
    writer.addScalar('a', 3, 3);
    expect(written(writer)).toHaveLength(4);
  });

  it('eventFileBytes() flushes first; close() twice is harmless; adding after close() starts a new file', () => {
    const sink = memorySink();
    const writer = new SummaryWriter('runs/c', { sink });
    writer.addScalar('a', 1, 1);
    expect(readEvents(writer.eventFileBytes())).toHaveLength(2);
    const firstPath = writer.eventFilePath;
    writer.close();
    writer.close();
    writer.flush();
    vi.setSystemTime(start + 5000);
    writer.addScalar('a', 2, 2);
    writer.close();
    expect(writer.eventFilePath).not.toBe(firstPath);
    expect(writer.eventFilePath).toMatch(/tfevents\.1796463005\./);
    expect(sink.files().map((file) => readEvents(file.bytes).length)).toEqual([2, 2]);
  });

  it('after purgeStep, repeats the version record and a session start at that step (TensorBoard then purges)', () => {
    const writer = new SummaryWriter('runs/p', { purgeStep: 40 });
    writer.close();
    expect(events(writer).slice(1)).toEqual([
      { wall_time: start / 1000, step: 40, file_version: 'brain.Event:2' },
      { wall_time: start / 1000, step: 40, session_log: { status: 1 } },
    ]);
  });
});
