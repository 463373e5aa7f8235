import { registerCpuBackend } from '@lantern/backend-cpu';
import { dropout, Linear, Module, ReLU, Sequential } from '@lantern/nn';
import { maxPool2d, ones, randn, type Tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx, OnnxExportError, UnsupportedOpError } from '../index.js';

await registerCpuBackend();

class Calls extends Module {
  constructor(readonly body: (x: Tensor) => Tensor) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.body(x);
  }
}

/** A tree whose op at `block.1.inner` is `body`, to see the module path in errors. */
class Tree extends Module {
  readonly block: Sequential;
  constructor(body: (x: Tensor) => Tensor) {
    super();
    this.block = new Sequential(new Linear(4, 4), new Sequential(new ReLU()), new Calls(body));
  }
  forward(x: Tensor): Tensor {
    return this.block(x);
  }
}

async function exportError(module: Module, input = randn([2, 4])): Promise<Error> {
  const error = await exportOnnx(module, input).then(
    () => null,
    (thrown: unknown) => thrown as Error,
  );
  if (!error) throw new Error('the export succeeded');
  return error;
}

describe('what cannot be exported', () => {
  it('an op without a mapping: UnsupportedOpError names the op and the module path that called it', async () => {
    const error = await exportError(new Tree((x) => x.flip(1)));
    expect(error).toBeInstanceOf(UnsupportedOpError);
    expect(error).toMatchObject({ op: 'flip', modulePath: 'block.2' });
    expect(error.message).toMatch(/cannot export 'flip' \(called in module 'block\.2'\): there is no ONNX mapping/);
  });

  it("an op in the root module's own forward has the empty path", async () => {
    const error = await exportError(new Calls((x) => x.std()));
    expect(error).toMatchObject({ op: 'std', modulePath: '' });
    expect(error.message).toMatch(/called in the root module/);
  });

  it('reading values during the forward pass', async () => {
    const error = await exportError(new Calls((x) => x.mul(x.sum().item())));
    expect(error).toMatchObject({ op: 'item' });
    expect(error.message).toMatch(/reads tensor values/);
  });

  it('a tensor made inside forward, which the exporter would otherwise bake in as a constant', async () => {
    const error = await exportError(new Tree((x) => x.add(ones([4]))));
    expect(error).toMatchObject({ op: 'add', modulePath: 'block.2' });
    expect(error.message).toMatch(/not a model input, a registered parameter or buffer.*registerBuffer/);
  });

  it("max pooling's indices (Lantern's are per plane, ONNX's per tensor)", async () => {
    const error = await exportError(new Calls((x) => maxPool2d(x, 2).indices.float()), randn([1, 1, 4, 4]));
    expect(error).toMatchObject({ op: 'float' });
    expect(error.message).toMatch(/indices/);
  });

  it('dropout called in training mode', async () => {
    const error = await exportError(new Calls((x) => dropout(x, 0.5, true)));
    expect(error).toMatchObject({ op: 'dropout' });
  });

  it('a forward pass that takes other ops when the batch grows (unless the sizes are fixed)', async () => {
    const model = new Calls((x) => (x.shape[0]! > 2 ? x.relu() : x.sigmoid()));
    const error = await exportError(model);
    expect(error).toBeInstanceOf(OnnxExportError);
    expect(error.message).toMatch(/differs when the dynamic axes change size.*'sigmoid'.*'relu'/);
    await expect(exportOnnx(model, randn([2, 4]), { dynamicAxes: {} })).resolves.toBeInstanceOf(Uint8Array);
  });

  it('options that do not fit', async () => {
    const model = new Linear(4, 2);
    const input = randn([2, 4]);
    await expect(exportOnnx(model, input, { opset: 12 })).rejects.toThrow(/opset 12 is not supported: choose one from 13 to 21/);
    await expect(exportOnnx(model, input, { inputNames: ['a', 'b'] })).rejects.toThrow(/inputNames: 2 names for 1 tensors/);
    await expect(exportOnnx(model, input, { outputNames: ['weight'] })).rejects.toThrow(/already a parameter or buffer name/);
    await expect(exportOnnx(model, input, { dynamicAxes: { input: [2] } })).rejects.toThrow(/axis 2 is out of range/);
    await expect(exportOnnx(model, input, { dynamicAxes: { logits: [0] } })).rejects.toThrow(/neither an input.*nor an output/);
    await expect(exportOnnx(model, [])).rejects.toThrow(OnnxExportError);
  });
});

describe('an export leaves the module and the tensors as they were', () => {
  it.each([
    ['succeeds', (x: Tensor) => x.relu()],
    ['fails', (x: Tensor) => x.flip(0)],
  ])('when it %s', async (_, body) => {
    const model = new Tree(body);
    model.train();
    model.block.eval();
    const relu = randn([1]).relu;
    await exportOnnx(model, randn([2, 4])).catch(() => {});
    expect(model.training).toBe(true);
    expect(model.block.training).toBe(false);
    for (const module of model.modules()) expect(Object.getOwnPropertyDescriptor(module, 'forward')).toBeUndefined();
    expect(randn([1]).relu).toBe(relu);
  });
});
