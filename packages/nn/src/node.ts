/**
 * @lantern/nn/node: file helpers for Node. Kept apart from the main entry so that entry never imports node:fs and
 * stays usable in browsers (which use encodeSafetensors/decodeSafetensors on bytes).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Tensor } from '@lantern/tensor';
import { SafetensorsError } from './errors.js';
import {
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  type EncodeSafetensorsOptions,
  encodeSafetensors,
} from './safetensors.js';
import type { StateDict } from './state-dict.js';

/**
 * Writes tensors (typically `model.stateDict()`) to a .safetensors file.
 * @example
 * await saveSafetensorsFile('model.safetensors', model.stateDict());
 */
export async function saveSafetensorsFile(
  path: string,
  tensors: StateDict | ReadonlyMap<string, Tensor>,
  options: EncodeSafetensorsOptions = {},
): Promise<void> {
  await writeFile(path, await encodeSafetensors(tensors, options));
}

/**
 * Reads a .safetensors file (for instance one written by PyTorch users with safetensors.torch.save_file).
 * @example
 * model.loadStateDict((await loadSafetensorsFile('model.safetensors')).tensors);
 */
export async function loadSafetensorsFile(path: string, options: DecodeSafetensorsOptions = {}): Promise<DecodedSafetensors> {
  const contents = await readFile(path);
  try {
    return decodeSafetensors(new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength), options);
  } catch (error) {
    // The bytes' fault is reported with the file's name, which the decoder never saw.
    if (!(error instanceof SafetensorsError)) throw error;
    throw new SafetensorsError(error.reason, `${path}: ${error.message.replace(/^safetensors: /, '')}`);
  }
}
