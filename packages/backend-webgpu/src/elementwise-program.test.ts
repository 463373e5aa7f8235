import {
  BackendError,
  DTypeError,
  type ElementwiseProgram,
  type FusibleOp,
  fusibleOps,
  Generator,
  unaryOps,
} from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { elementwiseProgram } from './kernels/elementwise-program.js';
import type { GpuView, WebGPUHandle } from './layout.js';
import { webgpuForTests } from './test-environment.js';

// elementwiseProgram against the same steps run one by one through the backend's own unary and binary kernels, bit for
// bit: random programs (seeded, so a failure names its case and reproduces) over random shapes, offsets, broadcast
// scalars and shared buffers, plus every op on edge values.
const backend = await webgpuForTests();
const generator = new Generator(20261205);

const isUnary = (op: FusibleOp) => (unaryOps as readonly string[]).includes(op);
const randomInteger = (below: number) => generator.nextUint32() % below;
const pick = <T>(items: readonly T[]): T => items[randomInteger(items.length)]!;

const edgeValues = [Number.NaN, Infinity, -Infinity, 0, -0, 0.5, 1.5, 2.5, -2.5, -1, 1, 2, 3, 1e-30, 100, -100, 1e-4, 89, -104];
/** Mostly ordinary values in [-4, 4), with one in eight drawn from the edges where the safe* helpers branch. */
function randomValues(size: number): Float32Array {
  return Float32Array.from({ length: size }, () =>
    randomInteger(8) === 0 ? pick(edgeValues) : -4 + 8 * generator.nextFloat24(),
  );
}

const contiguousStrides = (shape: readonly number[]) =>
  shape.map((_, axis) => shape.slice(axis + 1).reduce((product, extent) => product * extent, 1));
const sizeOfShape = (shape: readonly number[]) => shape.reduce((product, extent) => product * extent, 1);

interface Case {
  readonly program: ElementwiseProgram;
  readonly inputs: GpuView[];
  readonly output: GpuView;
  readonly handles: WebGPUHandle[];
}

/**
 * Inputs with random offsets, each broadcast (one value, every stride 0) or contiguous, some sharing one buffer; the
 * output at a random offset of its own buffer.
 */
function makeCase(program: ElementwiseProgram, inputCount: number, shape: number[], broadcastChance = 0.3): Case {
  const gpu = backend!;
  const size = sizeOfShape(shape);
  const handles: WebGPUHandle[] = [];
  const regions = Array.from({ length: inputCount }, () => {
    const broadcast = generator.nextFloat24() < broadcastChance;
    return { broadcast, offset: randomInteger(40), length: broadcast ? 1 : size };
  });
  // The first input of a shared pair owns a buffer large enough for both; the second reads further along it.
  const inputs: GpuView[] = [];
  for (let index = 0; index < inputCount; index++) {
    const region = regions[index]!;
    const shared = index > 0 && randomInteger(4) === 0;
    const previous = inputs[index - 1];
    let handle: WebGPUHandle;
    let offset = region.offset;
    if (shared && previous) {
      handle = previous.handle;
      offset = previous.offset + sizeOfShape(previous.shape) + region.offset;
      if (offset + region.length > handle.size) handle = gpu.allocate(offset + region.length, 'float32');
    } else handle = gpu.allocate(offset + region.length + 2 * size + 80, 'float32');
    if (!handles.includes(handle)) handles.push(handle);
    gpu.write(handle, randomValues(region.length), offset);
    const strides = region.broadcast ? shape.map(() => 0) : contiguousStrides(shape);
    inputs.push({ handle, dtype: 'float32', shape, strides, offset });
  }
  const outputOffset = randomInteger(40);
  const outputHandle = gpu.allocate(outputOffset + size + randomInteger(5), 'float32');
  handles.push(outputHandle);
  const output: GpuView = {
    handle: outputHandle,
    dtype: 'float32',
    shape,
    strides: contiguousStrides(shape),
    offset: outputOffset,
  };
  return { program, inputs, output, handles };
}

/** The steps through backend.unary/binary into temporaries: what compile() runs without fusion. */
async function runUnfused({ program, inputs, output }: Case): Promise<Float32Array> {
  const gpu = backend!;
  const size = sizeOfShape(output.shape);
  const results: GpuView[] = [];
  for (const { op, operands } of program.steps) {
    const handle = gpu.allocate(size, 'float32');
    const result: GpuView = {
      handle,
      dtype: 'float32',
      shape: output.shape,
      strides: contiguousStrides(output.shape),
      offset: 0,
    };
    const [a, b] = operands.map((operand) => inputs[operand] ?? results[operand - inputs.length]!);
    if (isUnary(op)) gpu.unary(op as Parameters<typeof gpu.unary>[0], a!, result);
    else gpu.binary(op as Parameters<typeof gpu.binary>[0], a!, b!, result);
    results.push(result);
  }
  const values = (await gpu.read(results.at(-1)!.handle, 'float32', 0, size)) as Float32Array;
  for (const result of results) gpu.free(result.handle);
  return values;
}

async function runFused(testCase: Case, storageBufferLimit?: number): Promise<Float32Array> {
  const gpu = backend!;
  const { program, inputs, output } = testCase;
  if (storageBufferLimit === undefined) gpu.elementwiseProgram(program, inputs, output);
  else elementwiseProgram(gpu.runtime, program, inputs, output, storageBufferLimit);
  return (await gpu.read(output.handle, 'float32', output.offset, sizeOfShape(output.shape))) as Float32Array;
}

/** The first element whose bits differ, described, or null. */
function firstBitMismatch(actual: Float32Array, expected: Float32Array): string | null {
  const actualBits = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const expectedBits = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  const at = actualBits.findIndex((bits, index) => bits !== expectedBits[index]);
  if (at < 0) return null;
  return `at ${at}: fused ${actual[at]} (0x${actualBits[at]!.toString(16)}), unfused ${expected[at]} (0x${expectedBits[at]!.toString(16)})`;
}

const describeProgram = ({ program, inputs, output }: Case) =>
  `${program.steps.map(({ op, operands }) => `${op}(${operands})`).join('; ')} over ${inputs.length} input(s) ` +
  `[${inputs.map((input) => `${input.strides.every((stride) => stride === 0) ? 'b' : 'c'}@${input.offset}`)}], ` +
  `shape [${output.shape}] at offset ${output.offset}`;

async function expectSameAsUnfused(testCase: Case): Promise<void> {
  const expected = await runUnfused(testCase);
  const actual = await runFused(testCase);
  expect(firstBitMismatch(actual, expected), describeProgram(testCase)).toBeNull();
  for (const handle of testCase.handles) backend!.free(handle);
}

/** A random program: each operand is the previous step's result half the time, otherwise any input or earlier step. */
function randomProgram(inputCount: number, stepCount: number): ElementwiseProgram {
  const steps = Array.from({ length: stepCount }, (_, step) => {
    const op = pick(fusibleOps);
    const available = inputCount + step;
    const operand = () => (step > 0 && randomInteger(2) === 0 ? available - 1 : randomInteger(available));
    return { op, operands: isUnary(op) ? [operand()] : [operand(), operand()] };
  });
  return { steps };
}

const shapes = [[], [1], [1, 1], [7], [3, 5], [255], [256], [257], [2, 3, 43], [33, 31], [1, 1000], [4099]];

describe.skipIf(!backend)('webgpu elementwiseProgram matches the unary and binary kernels bit for bit', () => {
  it('every op, once on inputs and once on a step result, contiguous and broadcast', async () => {
    const values = Float32Array.from([...edgeValues, ...randomValues(300 - edgeValues.length)]);
    for (const op of fusibleOps) {
      const steps = isUnary(op)
        ? [
            { op, operands: [0] },
            { op, operands: [2] },
            { op: 'mul' as const, operands: [3, 1] },
          ]
        : [
            { op, operands: [0, 1] },
            { op, operands: [2, 0] },
            { op, operands: [1, 3] },
          ];
      const testCase = makeCase({ steps }, 2, [values.length], 0);
      backend!.write(testCase.inputs[0]!.handle, values, testCase.inputs[0]!.offset);
      // The second input a broadcast edge value: 2.5 exercises pow's integer path and round's half to even.
      testCase.inputs[1] = { ...testCase.inputs[1]!, strides: [0] };
      backend!.write(testCase.inputs[1].handle, Float32Array.of(2.5), testCase.inputs[1].offset);
      await expectSameAsUnfused(testCase);
    }
  });

  it('random programs over random shapes, offsets, broadcast scalars and shared buffers', async () => {
    const seen = new Set<FusibleOp>();
    for (let run = 0; run < 60; run++) {
      const inputCount = 1 + randomInteger(8);
      const program = randomProgram(inputCount, 1 + randomInteger(16));
      for (const step of program.steps) seen.add(step.op);
      await expectSameAsUnfused(makeCase(program, inputCount, pick(shapes)));
    }
    expect([...fusibleOps].filter((op) => !seen.has(op))).toEqual([]);
  });

  it('runs in one dispatch, and step by step past the storage-binding limit with the same bits', async () => {
    const program: ElementwiseProgram = {
      steps: [
        { op: 'mul', operands: [0, 1] },
        { op: 'add', operands: [5, 2] },
        { op: 'sub', operands: [6, 3] },
        { op: 'div', operands: [7, 4] },
        { op: 'tanh', operands: [8] },
      ],
    };
    const testCase = makeCase(program, 5, [513], 0.2);
    const before = backend!.commandStatistics().dispatches;
    const fused = await runFused(testCase);
    expect(backend!.commandStatistics().dispatches - before).toBe(1);
    const distinctBuffers = new Set(testCase.inputs.map((input) => input.handle)).size;
    const stepwiseBefore = backend!.commandStatistics().dispatches;
    const stepwise = await runFused(testCase, distinctBuffers + 1);
    expect(backend!.commandStatistics().dispatches - stepwiseBefore).toBe(program.steps.length);
    expect(firstBitMismatch(stepwise, fused), describeProgram(testCase)).toBeNull();
    await expectSameAsUnfused(testCase);
  });

  it('reads an input that lives in the output buffer (in place)', async () => {
    const program: ElementwiseProgram = {
      steps: [
        { op: 'exp', operands: [0] },
        { op: 'mul', operands: [2, 1] },
      ],
    };
    const inPlace = makeCase(program, 2, [300], 0);
    const copy = makeCase(program, 2, [300], 0);
    const values = randomValues(300);
    backend!.write(inPlace.output.handle, values, inPlace.output.offset);
    backend!.write(copy.inputs[0]!.handle, values, copy.inputs[0]!.offset);
    backend!.copy(inPlace.inputs[1]!, copy.inputs[1]!);
    inPlace.inputs[0] = inPlace.output;
    const expected = await runUnfused(copy);
    expect(firstBitMismatch(await runFused(inPlace), expected)).toBeNull();
  });

  it('names what is wrong with a program it cannot run', () => {
    const testCase = makeCase({ steps: [] }, 2, [4], 0);
    const run =
      (program: ElementwiseProgram, inputs = testCase.inputs, output = testCase.output) =>
      () =>
        backend!.elementwiseProgram(program, inputs, output);
    expect(run({ steps: [] })).toThrow(new BackendError("backend 'webgpu': elementwiseProgram takes 1 to 16 steps, got 0"));
    const long = { steps: Array.from({ length: 17 }, () => ({ op: 'neg' as const, operands: [0] })) };
    expect(run(long)).toThrow(/takes 1 to 16 steps, got 17/);
    expect(run({ steps: [{ op: 'add', operands: [0] }] })).toThrow(/step 0: add takes 2 operand\(s\), got 1/);
    expect(run({ steps: [{ op: 'neg', operands: [2] }] })).toThrow(/step 0: operand 2 is neither an input nor an earlier step/);
    expect(run({ steps: [{ op: 'logicalNot' as FusibleOp, operands: [0] }] })).toThrow(/'logicalNot' is not a fusible op/);
    const integers: GpuView = { ...testCase.inputs[0]!, dtype: 'int32' };
    expect(run({ steps: [{ op: 'neg', operands: [0] }] }, [integers])).toThrow(DTypeError);
    const transposed = makeCase({ steps: [] }, 1, [2, 3], 0).inputs[0]!;
    const strided: GpuView = { ...transposed, strides: [1, 2] };
    expect(run({ steps: [{ op: 'neg', operands: [0] }] }, [strided], { ...transposed, strides: [3, 1] })).toThrow(
      /input 0 \(shape \[2,3\], strides \[1,2\]\) must be contiguous or broadcast/,
    );
  });
});
