import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileSink, memorySink, SummaryWriter } from './node.js';
import { readEvents } from './testing/event-file-reader.js';
import { SummaryWriter as MemorySummaryWriter } from './writer.js';

const root = mkdtempSync(join(tmpdir(), 'lantern-tensorboard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(1_750_000_000_000);
});
afterEach(() => vi.useRealTimers());

describe('@lantern/tensorboard/node', () => {
  it("writes event files to disk by default, named with this machine's host name and this process's id", () => {
    const logDir = join(root, 'run-1');
    const writer = new SummaryWriter(logDir);
    expect(writer).toBeInstanceOf(MemorySummaryWriter);
    const [name] = readdirSync(logDir);
    expect(name).toMatch(
      new RegExp(`^events\\.out\\.tfevents\\.1750000000\\.${hostname().replaceAll('.', '\\.')}\\.${process.pid}\\.\\d+$`),
    );
    expect(readEvents(readFileSync(join(logDir, name!)))).toHaveLength(1); // the version record, on disk at once
    writer.addScalar('loss', 0.5, 1);
    writer.addScalars('pair', { a: 1, b: 2 }, 1);
    writer.close();
    expect(readdirSync(logDir).sort()).toEqual([name, 'pair_a', 'pair_b']);
    expect(readEvents(readFileSync(join(logDir, 'pair_b', readdirSync(join(logDir, 'pair_b'))[0]!)))[1]!.summary).toEqual({
      value: [{ tag: 'pair', simple_value: 2 }],
    });
  });

  it('writes the same bytes to disk as to memory', () => {
    const onDisk = new SummaryWriter(join(root, 'same'), {});
    const inMemory = new SummaryWriter(join(root, 'same'), {
      sink: memorySink({ hostname: hostname(), processId: process.pid }),
    });
    for (const writer of [onDisk, inMemory]) {
      writer.addText('note', 'same bytes', 1);
      writer.addHistogram('h', [1, 2, 3], 1);
      writer.close();
    }
    expect(readFileSync(onDisk.eventFilePath)).toEqual(Buffer.from(inMemory.eventFileBytes()));
    expect(onDisk.eventFileBytes()).toEqual(inMemory.eventFileBytes());
    expect(existsSync(inMemory.eventFilePath)).toBe(false); // the memory sink never touched the disk
  });

  it('takes options as the only argument and keeps a given sink', () => {
    const sink = memorySink({ hostname: 'elsewhere' });
    const writer = new SummaryWriter({ sink });
    expect(writer.sink).toBe(sink);
    expect(writer.logDir).toMatch(/^runs\/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_elsewhere$/);
    expect(fileSink()).toMatchObject({ hostname: hostname(), processId: process.pid });
  });
});
