import { readFile } from 'node:fs/promises';
import { decodeSafetensors, encodeSafetensors, type Module, SafetensorsError } from '@lantern/nn';
import { type Optimizer, OptimizerError, type ParamState } from '@lantern/optim';
import { Tensor } from '@lantern/tensor';
import { writeFileAtomic } from './atomic-file.js';
import { type CheckpointFile, decodeCheckpointFile, encodeCheckpointFile } from './checkpoint-file.js';
import { checkpointFormat, checkpointVersion, type TrainingState, validateTrainingState } from './checkpoint-state.js';
import { CheckpointError, describePathProblem, NonFiniteWeightsError } from './errors.js';

/** Where training stands when a checkpoint is written: everything in the state but the optimizer's. */
export type TrainingProgress = Omit<TrainingState, 'format' | 'version' | 'optimizer'>;

/** A checkpoint read from disk, its container and state validated; its tensors are decoded by restoreCheckpoint. */
export interface SavedCheckpoint {
  readonly path: string;
  readonly state: TrainingState;
  readonly file: CheckpointFile;
}

/**
 * Writes model, optimizer and progress as one checkpoint file (see checkpoint-file.ts), atomically: `path` holds the
 * previous checkpoint until the new one is complete and on disk. Weights and optimizer state must be finite.
 */
export async function saveCheckpoint(
  path: string,
  model: Module,
  optimizer: Optimizer,
  progress: TrainingProgress,
): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const [key, tensor] of Object.entries(model.stateDict())) tensors[`model.${key}`] = tensor;
  const { paramGroups, state } = optimizer.stateDict();
  const stateValues: Record<string, Record<string, number | null>> = {};
  for (const [index, entry] of Object.entries(state)) {
    const values: Record<string, number | null> = {};
    for (const [name, value] of Object.entries(entry)) {
      if (value instanceof Tensor) tensors[`optimizer.${index}.${name}`] = value;
      else values[name] = value;
    }
    stateValues[index] = values;
  }
  await assertFinite(path, tensors);
  const record = {
    format: checkpointFormat,
    version: checkpointVersion,
    ...progress,
    optimizer: { paramGroups, state: stateValues },
  };
  // Never write what cannot be read back: the state goes through the loader's own validation first.
  validateTrainingState(path, JSON.parse(JSON.stringify(record)));
  await writeFileAtomic(path, await encodeCheckpointFile(record, tensors));
}

/** Writes the model's weights (`--save`, PyTorch key names) atomically, after checking that they are finite. */
export async function saveWeights(path: string, model: Module): Promise<void> {
  const tensors = model.stateDict();
  await assertFinite(path, tensors);
  await writeFileAtomic(path, await encodeSafetensors(tensors, { metadata: { format: 'pt' } }));
}

/** Reads and validates the checkpoint at `path`; undefined when there is no file there. */
export async function readCheckpoint(path: string): Promise<SavedCheckpoint | undefined> {
  let contents: Buffer;
  try {
    contents = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // Node reads at most 2 GiB at once; this trainer's checkpoints are a few MB, so a larger file is not one of them.
    if (code === 'ERR_FS_FILE_TOO_LARGE')
      throw new CheckpointError(path, 'corrupt', 'is larger than 2 GiB, which no checkpoint of this trainer is');
    throw new CheckpointError(path, 'unreadable', `cannot be read: ${describePathProblem(code)}`);
  }
  const file = decodeCheckpointFile(path, new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength));
  return { path, state: validateTrainingState(path, file.state), file };
}

/**
 * Loads a checkpoint's weights into `model` (`modelName` in messages) and its state into `optimizer` (created for
 * `optimizerName`), after checking that every tensor name and shape fits them; on a mismatch nothing is loaded.
 * The scheduler's state (`saved.state.scheduler`) is the caller's to restore.
 */
export function restoreCheckpoint(
  saved: SavedCheckpoint,
  model: Module,
  optimizer: Optimizer,
  optimizerName: string,
  modelName = 'the course CNN',
): void {
  const { path, state } = saved;
  const mismatch = (detail: string): never => {
    throw new CheckpointError(path, 'mismatch', detail);
  };
  if (state.flags.optimizer !== optimizerName)
    mismatch(`it holds ${state.flags.optimizer} optimizer state, but this run's optimizer is ${optimizerName}`);
  let tensors: Record<string, Tensor>;
  try {
    tensors = decodeSafetensors(saved.file.bytes).tensors;
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(path, 'corrupt', error.message);
    throw error;
  }
  try {
    const weights: Record<string, Tensor> = {};
    const optimizerTensors = new Map<string, Record<string, Tensor>>();
    for (const [name, tensor] of Object.entries(tensors)) {
      const parts = /^optimizer\.(0|[1-9]\d*)\.([A-Za-z_$][\w$]*)$/.exec(name);
      if (name.startsWith('model.')) weights[name.slice('model.'.length)] = tensor;
      else if (parts) optimizerTensors.set(parts[1]!, { ...optimizerTensors.get(parts[1]!), [parts[2]!]: tensor });
      else mismatch(`it holds a tensor '${name}', which is neither 'model.*' nor 'optimizer.<index>.<name>'`);
    }
    const expected = model.stateDict();
    for (const [key, target] of Object.entries(expected)) {
      const found = weights[key];
      if (!found) mismatch(`it has no tensor 'model.${key}', which ${modelName} needs`);
      else if (found.shape.join() !== target.shape.join() || found.dtype !== target.dtype)
        mismatch(`tensor 'model.${key}' is ${describe(found)}, but ${modelName}'s is ${describe(target)}`);
    }
    const extra = Object.keys(weights).find((key) => !(key in expected));
    if (extra !== undefined) mismatch(`tensor 'model.${extra}' is not a parameter of ${modelName}`);
    const optimizerState = checkOptimizerState(state, optimizer, optimizerTensors, mismatch);
    // The optimizer first: its loadStateDict checks everything before it changes anything, and the model's tensors
    // were checked above, so a refusal leaves both as they were.
    try {
      optimizer.loadStateDict({ paramGroups: state.optimizer.paramGroups, state: optimizerState });
    } catch (error) {
      if (!(error instanceof OptimizerError)) throw error;
      mismatch(`it does not fit this run's optimizer: ${error.message}`);
    }
    model.loadStateDict(weights);
  } finally {
    for (const tensor of Object.values(tensors)) tensor.dispose();
  }
}

function checkOptimizerState(
  state: TrainingState,
  optimizer: Optimizer,
  tensors: Map<string, Record<string, Tensor>>,
  mismatch: (detail: string) => never,
): Record<string, ParamState> {
  const fresh = optimizer.stateDict().paramGroups;
  const saved = state.optimizer.paramGroups;
  if (saved.length !== fresh.length)
    mismatch(`it has ${saved.length} optimizer parameter groups, this run's optimizer has ${fresh.length}`);
  const parameters = optimizer.paramGroups.flatMap((group) => group.params);
  saved.forEach((group, index) => {
    const { params, ...options } = group;
    const { params: freshParams, ...freshOptions } = fresh[index]!;
    if (params.join() !== freshParams.join())
      mismatch(`optimizer group ${index} holds parameters [${params.join(', ')}], this run's [${freshParams.join(', ')}]`);
    const names = (record: object) => Object.keys(record).sort().join(', ');
    if (names(options) !== names(freshOptions))
      mismatch(
        `optimizer group ${index} has the options (${names(options)}), not ${state.flags.optimizer}'s (${names(freshOptions)})`,
      );
    for (const [name, value] of Object.entries(options)) {
      const expected = kindOf(freshOptions[name]);
      if (kindOf(value) !== expected)
        mismatch(
          `optimizer group ${index} option '${name}' is ${JSON.stringify(value)}, where ${state.flags.optimizer} holds ${expected}`,
        );
    }
  });
  const result: Record<string, ParamState> = {};
  for (const index of new Set([...Object.keys(state.optimizer.state), ...tensors.keys()])) {
    const parameter = parameters[Number(index)];
    if (!parameter) mismatch(`it holds optimizer state for parameter ${index}, but the model has ${parameters.length}`);
    const entry: ParamState = { ...state.optimizer.state[index] };
    for (const [name, tensor] of Object.entries(tensors.get(index) ?? {})) {
      if (name in entry) mismatch(`optimizer state '${name}' of parameter ${index} is stored both as a number and a tensor`);
      // As torch.optim's state: every tensor has its parameter's shape, except a step count (one element).
      const fits = name === 'step' ? tensor.size === 1 : tensor.shape.join() === parameter!.shape.join();
      if (!fits)
        mismatch(`tensor 'optimizer.${index}.${name}' is ${describe(tensor)}, but parameter ${index} is ${describe(parameter!)}`);
      entry[name] = tensor;
    }
    result[index] = entry;
  }
  return result;
}

/** A group option's kind (`number`, `boolean`, `an array of 2`…): a saved option must be of its fresh one's kind. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value === null ? 'null' : typeof value;
}

function describe(tensor: Tensor): string {
  return `${tensor.dtype} [${tensor.shape.join(', ')}]`;
}

/** Reads every tensor back and names the first non-finite element, so no NaN weights ever replace good ones. */
async function assertFinite(path: string, tensors: Record<string, Tensor>): Promise<void> {
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'float64') continue;
    const values = await tensor.data();
    for (let index = 0; index < values.length; index++) {
      const value = values[index] as number;
      if (!Number.isFinite(value)) throw new NonFiniteWeightsError(path, name, index, value);
    }
  }
}
