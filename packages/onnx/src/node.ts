/**
 * @lantern/onnx/node: the file side of @lantern/onnx for Node (node:fs), re-exporting the main entry too.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { AnyModule } from '@lantern/nn';
import type { Tensor } from '@lantern/tensor';
import { exportOnnx } from './export/export-onnx.js';
import type { ExportOnnxOptions } from './export/options.js';
import { type ImportOnnxOptions, importOnnx, type OnnxModule } from './import/import-onnx.js';

export * from './index.js';

/**
 * exportOnnx, written to `path` (torch.onnx.export's file form). Returns the bytes written.
 * @example
 * await exportOnnxFile(model, randn([1, 3, 32, 32]), 'model.onnx');
 */
export async function exportOnnxFile(
  module: AnyModule,
  exampleInput: Tensor | readonly Tensor[],
  path: string,
  options: ExportOnnxOptions = {},
): Promise<Uint8Array> {
  const bytes = await exportOnnx(module, exampleInput, options);
  await writeFile(path, bytes);
  return bytes;
}

/**
 * importOnnx, reading the model from `path`.
 * @example
 * const model = await importOnnxFile('model.onnx');
 */
export async function importOnnxFile(path: string, options: ImportOnnxOptions = {}): Promise<OnnxModule> {
  return importOnnx(new Uint8Array(await readFile(path)), options);
}
