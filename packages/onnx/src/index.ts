/**
 * @lantern/onnx: ONNX export (and import) for Lantern modules. `exportOnnx(module, exampleInput, options)` records the
 * forward pass in eval mode and returns an .onnx file's bytes, which ONNX Runtime runs on servers, phones and in
 * browsers (onnxruntime-web). Browser-safe; `@lantern/onnx/node` writes and reads files.
 */
export { OnnxExportError, OnnxImportError, UnsupportedOpError } from './errors.js';
export { exportOnnx } from './export/export-onnx.js';
export type { DynamicAxes, ExportOnnxOptions } from './export/options.js';
export { type ImportOnnxOptions, importOnnx, OnnxModule } from './import/import-onnx.js';
