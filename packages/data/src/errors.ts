import { LanternError } from '@lantern/tensor';

/**
 * The data package's typed errors. They extend core's LanternError, so `instanceof LanternError` still catches every
 * error Lantern raises, while `instanceof DatasetNotFoundError` tells a missing dataset from a corrupt one.
 */
export class DataError extends LanternError {}

/** A dataset's files are not where the dataset looked, and downloading was not asked for. */
export class DatasetNotFoundError extends DataError {
  constructor(
    readonly dataset: string,
    readonly folder: string,
    readonly missing: readonly string[],
    hint: string,
  ) {
    super(`${dataset}: dataset not found in ${folder} (missing ${missing.join(', ')}); ${hint}`);
  }
}

/** A dataset file that exists but is not in the official format: the message names the file and what is wrong. */
export class CorruptDatasetError extends DataError {
  constructor(
    readonly dataset: string,
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${dataset}: ${file} ${problem}`);
  }
}

/** A download that failed: network error, HTTP status other than 200, or a stream that ended early. */
export class DownloadError extends DataError {
  constructor(
    readonly url: string,
    problem: string,
  ) {
    super(`download of ${url} failed: ${problem}`);
  }
}

/** A downloaded (or previously downloaded) file whose MD5 is not the published one. */
export class ChecksumError extends DataError {
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${file} has MD5 ${actual}, expected ${expected}: the file is corrupt or not the official one`);
  }
}

/** Misuse of DataLoader or a sampler (conflicting options, a sampler with an iterable dataset, a bad batch size). */
export class DataLoaderError extends DataError {}

/** A sample that the collate function cannot batch (ragged shapes, mixed types, a raw image without ToTensor). */
export class CollateError extends DataError {}

/** A transform given input it cannot take (wrong rank, wrong channel count, a crop larger than the image). */
export class TransformError extends DataError {}

/** An error raised inside a DataLoader worker, re-raised on the main thread with the worker's message and stack. */
export class WorkerError extends DataError {
  constructor(
    readonly workerId: number,
    readonly originalName: string,
    message: string,
    readonly workerStack?: string,
  ) {
    super(`DataLoader worker ${workerId} raised ${originalName}: ${message}`);
  }
}
