import { createHash } from 'node:crypto';
import { encodeSafetensors, readSafetensorsHeader, SafetensorsError, type SafetensorsHeader } from '@lantern/nn';
import type { Tensor } from '@lantern/tensor';
import { CheckpointError } from './errors.js';

/**
 * The checkpoint container: one safetensors file, so any safetensors reader opens the weights. Its `__metadata__`
 * holds two strings besides `format: "pt"`:
 * - `lantern.checkpoint`: the training state as JSON (see checkpoint-state.ts);
 * - `lantern.sha256`: the SHA-256, in lowercase hex, of the whole file as written with these 64 digits replaced by
 *   64 `0`s. It covers header, state and tensor data alike, so any damaged byte is found before anything is used.
 */
export const stateKey = 'lantern.checkpoint';
export const checksumKey = 'lantern.sha256';
const placeholder = '0'.repeat(64);

export interface CheckpointFile {
  /** The parsed (not yet validated) training state. */
  readonly state: unknown;
  readonly header: SafetensorsHeader;
  /** The whole file, for decodeSafetensors once a backend is registered. */
  readonly bytes: Uint8Array;
}

/** Serialises the state and the tensors into checkpoint bytes, checksum included. */
export async function encodeCheckpointFile(state: object, tensors: Record<string, Tensor>): Promise<Uint8Array> {
  const metadata = { format: 'pt', [stateKey]: JSON.stringify(state), [checksumKey]: placeholder };
  const bytes = await encodeSafetensors(tensors, { metadata });
  const at = checksumOffset(bytes, headerEnd(bytes), placeholder);
  if (at < 0) throw new Error(`encodeCheckpointFile: the header holds no '${checksumKey}' field as JSON.stringify writes it`);
  bytes.set(new TextEncoder().encode(sha256(bytes)), at);
  return bytes;
}

/** Parses checkpoint bytes read from `path`: header, checksum and state JSON; anything wrong is a CheckpointError. */
export function decodeCheckpointFile(path: string, bytes: Uint8Array): CheckpointFile {
  let header: SafetensorsHeader;
  try {
    header = readSafetensorsHeader(bytes);
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
    const described = describedLength(bytes);
    if (error.reason === 'truncated' || (described !== undefined && described > bytes.length)) {
      const expected = described === undefined ? '' : ` of the ${described} its header describes`;
      throw new CheckpointError(
        path,
        'truncated',
        `the file is truncated: it has ${bytes.length} bytes${expected} (${error.message})`,
      );
    }
    throw new CheckpointError(path, 'corrupt', `not a valid checkpoint file (${error.message})`);
  }
  const recorded = header.metadata[checksumKey];
  const stateText = header.metadata[stateKey];
  if (recorded === undefined && stateText === undefined) {
    throw new CheckpointError(
      path,
      'not-a-checkpoint',
      `a safetensors file without the trainer's '${stateKey}' metadata: plain weights, or a checkpoint written by ` +
        'a pre-release cifar-trainer (FILE plus FILE.json), which cannot be resumed; pass it to --init to start from its weights',
    );
  }
  if (recorded === undefined || !/^[0-9a-f]{64}$/.test(recorded))
    throw new CheckpointError(path, 'corrupt', `'${checksumKey}' is missing or is not 64 hex digits`);
  const unsealed = bytes.slice();
  const at = checksumOffset(unsealed, header.dataStart, recorded);
  if (at < 0) throw new CheckpointError(path, 'corrupt', `the header does not hold '${checksumKey}' as the trainer writes it`);
  unsealed.set(new TextEncoder().encode(placeholder), at);
  const actual = sha256(unsealed);
  if (actual !== recorded) {
    throw new CheckpointError(
      path,
      'checksum',
      `its SHA-256 is ${actual} but it records ${recorded}: the file was damaged after it was written`,
    );
  }
  if (stateText === undefined) throw new CheckpointError(path, 'corrupt', `the '${stateKey}' metadata is missing`);
  try {
    return { state: JSON.parse(stateText), header, bytes };
  } catch (error) {
    throw new CheckpointError(path, 'corrupt', `the '${stateKey}' metadata is not JSON (${(error as Error).message})`);
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function headerEnd(bytes: Uint8Array): number {
  return 8 + Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
}

/** Where the checksum's 64 digits sit in the header (after `"lantern.sha256":"`, as JSON.stringify writes it), or -1. */
function checksumOffset(bytes: Uint8Array, end: number, digits: string): number {
  const needle = new TextEncoder().encode(`${JSON.stringify(checksumKey)}:"${digits}"`);
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, end).indexOf(needle);
  return at < 0 ? -1 : at + needle.length - 65;
}

/** The file length a (possibly truncated) file's header describes, or undefined when the header cannot be read. */
function describedLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 8) return undefined;
  const end = headerEnd(bytes);
  if (end > bytes.length) return end;
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, end))) as Record<string, { data_offsets?: number[] }>;
    const ends = Object.values(header).map((entry) => entry.data_offsets?.[1] ?? 0);
    return end + Math.max(0, ...ends);
  } catch {
    return undefined;
  }
}
