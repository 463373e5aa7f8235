import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Module } from '@lantern/nn';
import { loadSafetensorsFile, saveSafetensorsFile } from '@lantern/nn/node';
import { type JsonValue, stateDictFromJson, stateDictToJson } from '@lantern/optim';

interface CheckpointOptimizer {
  stateDict(): never;
  loadStateDict(state: never): void;
}

/**
 * A resumable checkpoint: the weights as `FILE` (safetensors, PyTorch key names) and `FILE.json` with the completed
 * epoch count and the optimizer's state dict. Both are written to temporary names and renamed, so an interrupted
 * write never leaves a half checkpoint.
 */
export async function saveCheckpoint(
  path: string,
  model: Module,
  optimizer: CheckpointOptimizer,
  completedEpochs: number,
): Promise<void> {
  const meta = { completedEpochs, optimizer: await stateDictToJson(optimizer.stateDict()) };
  await saveSafetensorsFile(`${path}.partial`, model.stateDict());
  await writeFile(`${path}.json.partial`, JSON.stringify(meta));
  await rename(`${path}.partial`, path);
  await rename(`${path}.json.partial`, `${path}.json`);
}

/** Restores model and optimizer from a checkpoint; returns the epochs already done, or 0 when there is none. */
export async function loadCheckpoint(path: string, model: Module, optimizer: CheckpointOptimizer): Promise<number> {
  if (!existsSync(path) || !existsSync(`${path}.json`)) return 0;
  model.loadStateDict((await loadSafetensorsFile(path)).tensors);
  const meta = JSON.parse(await readFile(`${path}.json`, 'utf8')) as { completedEpochs: number; optimizer: JsonValue };
  optimizer.loadStateDict(stateDictFromJson(meta.optimizer) as never);
  return meta.completedEpochs;
}
