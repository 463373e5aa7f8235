import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { randn, tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  Linear,
  maxHeaderBytes,
  readSafetensorsHeader,
  SafetensorsError,
  Sequential,
} from './index.js';
import { loadSafetensorsFile, saveSafetensorsFile } from './node.js';
import { readFixture, readFixtureBytes } from './test-support.js';

await registerCpuBackend();

/** A file from a header object and a data section, as a writer following the format would produce it. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

function reasonOf(bytes: Uint8Array): string {
  try {
    decodeSafetensors(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    return (error as SafetensorsError).reason;
  }
  return 'accepted';
}

const f32 = (count: number) => new Uint8Array(count * 4);

describe('safetensors written by PyTorch', () => {
  it('reads every dtype PyTorch writes, converting to float32, float64, int32 and bool', () => {
    const expected = readFixture<Record<string, { shape: number[]; data: number[]; torchDtype: string }>>('dtypes.json');
    const { tensors, metadata } = decodeSafetensors(readFixtureBytes('dtypes.safetensors'));
    expect(metadata).toEqual({ format: 'pt', note: 'every dtype' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    const lanternDtype: Record<string, string> = {
      'torch.float64': 'float64',
      'torch.float32': 'float32',
      'torch.float16': 'float32',
      'torch.bfloat16': 'float32',
      'torch.int64': 'int32',
      'torch.int32': 'int32',
      'torch.int16': 'int32',
      'torch.int8': 'int32',
      'torch.uint8': 'int32',
      'torch.bool': 'bool',
    };
    for (const [name, { shape, data, torchDtype }] of Object.entries(expected)) {
      const actual = tensors[name]!;
      expect([...actual.shape], name).toEqual(shape);
      expect(actual.dtype, name).toBe(lanternDtype[torchDtype]);
      const values = [...actual.dataSync()];
      expect(values, name).toEqual(torchDtype === 'torch.float32' ? data.map(Math.fround) : data.map(Number));
    }
  });

  it("writes PyTorch's file back byte for byte (same layout as the reference writer)", async () => {
    const original = readFixtureBytes('cifar-net.safetensors');
    const { tensors, metadata } = decodeSafetensors(original);
    const written = await encodeSafetensors(tensors, { metadata });
    expect(written.length).toBe(original.length);
    expect(Buffer.from(written).equals(Buffer.from(original))).toBe(true);
  });
});

describe('safetensors written by Lantern', () => {
  it('keeps a tensor whatever its name, "__proto__" included (found by the fuzz test)', () => {
    const json = new TextEncoder().encode('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    const bytes = new Uint8Array(8 + json.length + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    bytes.set(new Uint8Array(new Float32Array([2.5]).buffer), 8 + json.length);
    const { tensors } = decodeSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(tensors, '__proto__')?.value.toArray()).toEqual([2.5]);
  });

  it('round-trips a model state dict with every Lantern dtype', async () => {
    const state = {
      ...new Sequential(new Linear(3, 2)).stateDict(),
      double: randn([2, 2], { dtype: 'float64' }),
      counts: tensor(
        [
          [1, -2147483648],
          [2147483647, 0],
        ],
        { dtype: 'int32' },
      ),
      mask: tensor([true, false]),
      scalar: tensor(new Float32Array([1.5]), { shape: [] }),
    };
    const bytes = await encodeSafetensors(state, { metadata: { format: 'pt' } });
    const header = readSafetensorsHeader(bytes);
    expect(header.dataStart % 8).toBe(0);
    expect([...header.entries.keys()]).toEqual(['double', '0.bias', '0.weight', 'counts', 'scalar', 'mask']);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    for (const [name, value] of Object.entries(state)) {
      expect(tensors[name]!.dtype, name).toBe(value.dtype);
      expect(tensors[name]!.toArray(), name).toEqual(value.toArray());
    }
  });

  it('rejects names and metadata the format cannot hold', async () => {
    await expect(encodeSafetensors({ __metadata__: randn([1]) })).rejects.toThrow(SafetensorsError);
    await expect(encodeSafetensors({}, { metadata: { version: 2 as unknown as string } })).rejects.toThrow(
      /metadata values must be strings/,
    );
  });

  it('saves and loads files through @lantern/nn/node', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lantern-nn-'));
    try {
      const model = new Linear(4, 2);
      const path = join(directory, 'model.safetensors');
      await saveSafetensorsFile(path, model.stateDict(), { metadata: { format: 'pt' } });
      const restored = new Linear(4, 2);
      restored.loadStateDict((await loadSafetensorsFile(path)).tensors);
      expect(restored.weight.toArray()).toEqual(model.weight.toArray());
      // A damaged file's error names the file.
      const damaged = join(directory, 'damaged.safetensors');
      writeFileSync(damaged, readFileSync(path).subarray(0, 20));
      const error = await loadSafetensorsFile(damaged).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SafetensorsError);
      expect((error as Error).message).toMatch(/^safetensors: .*damaged\.safetensors: /);
    } finally {
      rmSync(directory, { recursive: true });
    }
  });

  it('keeps node:fs out of the browser entry', () => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const source = readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
      expect(source, name).not.toMatch(/from '(node:)?(fs|path|os)(\/promises)?'/);
      for (const [, imported] of source.matchAll(/from '\.\/([\w-]+)\.js'/g)) visit(`${imported}.ts`);
    };
    visit('index.ts');
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe('safetensors validation', () => {
  const valid = { weight: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

  it('accepts a well-formed file, with or without trailing header spaces', () => {
    expect(reasonOf(file(valid, f32(2)))).toBe('accepted');
    expect(reasonOf(file(valid, f32(2), `${JSON.stringify(valid)}   `))).toBe('accepted');
    expect(reasonOf(file({}, new Uint8Array(0)))).toBe('accepted');
  });

  it('bounds the header before reading it', () => {
    expect(reasonOf(new Uint8Array(5))).toBe('truncated');
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, BigInt(maxHeaderBytes + 1), true);
    expect(reasonOf(huge)).toBe('header-too-large');
    new DataView(huge.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expect(reasonOf(huge)).toBe('header-too-large');
    new DataView(huge.buffer).setBigUint64(0, 9n, true);
    expect(reasonOf(huge)).toBe('truncated');
  });

  it('rejects headers that are not a JSON object of entries', () => {
    expect(reasonOf(file(null, undefined, '[1, 2]'))).toBe('invalid-header');
    expect(reasonOf(file(null, undefined, '{"a": '))).toBe('invalid-header');
    expect(reasonOf(file(null, undefined, ' {}'))).toBe('invalid-header');
    expect(reasonOf(file({ __metadata__: { version: 2 } }))).toBe('invalid-header');
    expect(reasonOf(file({ weight: 3 }))).toBe('invalid-header');
    expect(reasonOf(file({ weight: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32(2)))).toBe('invalid-header');
    const invalidUtf8 = file({});
    invalidUtf8[9] = 0xff;
    expect(reasonOf(invalidUtf8)).toBe('invalid-header');
  });

  it('names unknown and unsupported dtypes', () => {
    expect(reasonOf(file({ weight: { dtype: 'F33', shape: [2], data_offsets: [0, 8] } }, f32(2)))).toBe('unknown-dtype');
    expect(reasonOf(file({ weight: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)))).toBe(
      'unsupported-dtype',
    );
  });

  it('requires offsets that match the shape and tile the data section exactly', () => {
    const entry = (begin: number, end: number, shape = [2]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
    expect(reasonOf(file({ a: entry(0, 12) }, f32(3)))).toBe('invalid-offsets');
    expect(reasonOf(file({ a: entry(0, 8) }, f32(3)))).toBe('invalid-offsets');
    expect(reasonOf(file({ a: entry(4, 12) }, f32(3)))).toBe('invalid-offsets');
    expect(reasonOf(file({ a: entry(0, 8), b: entry(4, 12) }, f32(3)))).toBe('invalid-offsets');
    expect(reasonOf(file({ a: entry(0, 8), b: entry(8, 16) }, f32(3)))).toBe('invalid-offsets');
    expect(reasonOf(file({ a: entry(8, 0) }, f32(2)))).toBe('invalid-offsets');
    expect(reasonOf(file({ a: entry(0, 8), b: entry(8, 16) }, f32(4)))).toBe('accepted');
  });

  it('refuses integers outside int32 rather than wrapping them', () => {
    const data = new Uint8Array(new BigInt64Array([2n ** 31n]).buffer);
    expect(reasonOf(file({ big: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, data))).toBe('value-out-of-range');
  });

  it('gives messages that name the tensor and the problem', () => {
    expect(() => decodeSafetensors(file({ 'layer.weight': { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(2)))).toThrow(
      "safetensors: tensor 'layer.weight' (F32 [3]) needs 12 bytes but data_offsets span 8",
    );
  });
});
