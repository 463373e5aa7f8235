/** Why a checkpoint cannot be used; every one exits with status 2, as a user error. */
export type CheckpointErrorReason =
  /** The file ends before what its header describes (an interrupted copy, a full disk). */
  | 'truncated'
  /** Its bytes are not a valid checkpoint container (a damaged header, unparsable state). */
  | 'corrupt'
  /** Its SHA-256 differs from the one recorded when it was written: damaged since. */
  | 'checksum'
  /** A safetensors file without the trainer's state: plain weights, or a checkpoint from a pre-release cifar-trainer. */
  | 'not-a-checkpoint'
  /** A state field of the wrong type or out of range. */
  | 'invalid-field'
  /** Valid, but not for this model, optimizer or dataset (tensor names or shapes, optimizer kind, data position). */
  | 'mismatch'
  /** A flag contradicts the checkpoint in a way that cannot be applied (another optimizer, split, limit or seed). */
  | 'flags'
  /** A checkpoint exists but --resume was not given: it would be overwritten. */
  | 'exists'
  /** The file exists but cannot be read (permissions, a directory in its place). */
  | 'unreadable';

/** A checkpoint that cannot be used; the message names the file and what is wrong with it. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(
    readonly path: string,
    readonly reason: CheckpointErrorReason,
    detail: string,
  ) {
    super(`checkpoint ${path}: ${detail}`);
  }
}

/** Another live trainer holds the checkpoint's lock file. */
export class CheckpointLockedError extends Error {
  override name = 'CheckpointLockedError';
  constructor(
    readonly path: string,
    readonly lockPath: string,
    readonly pid: number,
    readonly hostname: string,
  ) {
    super(
      `checkpoint ${path} is in use by another trainer (pid ${pid} on ${hostname}, lock file ${lockPath}); ` +
        `wait for it to finish, or delete ${lockPath} if that process is not a trainer`,
    );
  }
}

/** An output path (`--save`, `--checkpoint`, `--plot`, `--logdir`) that cannot be written; found before training starts. */
export class OutputPathError extends Error {
  override name = 'OutputPathError';
  constructor(
    readonly flag: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${flag} ${path}: ${detail}`);
  }
}

/** An input path (`--init`) that cannot be read as the file it must be; found before training starts. */
export class InputPathError extends Error {
  override name = 'InputPathError';
  constructor(
    readonly flag: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${flag} ${path}: ${detail}`);
  }
}

/** Weights that hold NaN or Infinity: they are not written, so the previous file stays as it was. */
export class NonFiniteWeightsError extends Error {
  override name = 'NonFiniteWeightsError';
  constructor(
    readonly path: string,
    readonly tensor: string,
    readonly index: number,
    readonly value: number,
  ) {
    super(
      `not writing ${path}: tensor '${tensor}' holds ${value} at element ${index} (training diverged; try a smaller --lr); ` +
        'the file keeps its previous contents',
    );
  }
}

/** SIGINT or SIGTERM stopped training; `checkpoint` is where the last completed step was saved, if anywhere. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(
    readonly signal: 'SIGINT' | 'SIGTERM',
    readonly epoch: number,
    readonly step: number,
    readonly checkpoint: string | undefined,
  ) {
    super(
      `${signal}: stopped after step ${step} of epoch ${epoch}; ` +
        (checkpoint === undefined
          ? 'no --checkpoint was given, so this progress is not saved'
          : `checkpoint written to ${checkpoint} (continue with --resume)`),
    );
  }

  /** 128 + the signal's number, as a shell reports a process that a signal ended. */
  get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143;
  }
}

/** What each file-system error that a path can cause means, and what the user can do about it. */
const pathProblems: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'permission denied; check the permissions of it and of the folders above it',
  EPERM: 'operation not permitted; check the permissions of it and of the folders above it',
  EISDIR: 'is a directory, where a file is expected',
  ENOTDIR: 'a part of the path is a file, where a directory is expected',
  EEXIST: 'exists and is not a directory',
  ELOOP: 'has too many levels of symbolic links (a loop?)',
  ENAMETOOLONG: 'has a name that is too long',
  EROFS: 'is on a read-only file system',
};

/**
 * An error from the file system about a path the user can fix (missing, a directory, permissions), as opposed to the
 * machine's troubles (a full disk, an I/O error). Node names the path in most of them (`path`), not in all.
 */
export function isPathError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  const { code } = (error ?? {}) as NodeJS.ErrnoException;
  return error instanceof Error && typeof code === 'string' && code in pathProblems;
}

/** The words for a file-system error code, e.g. 'permission denied; check …' for EACCES; the code itself otherwise. */
export function describePathProblem(code: string | undefined): string {
  return code !== undefined && code in pathProblems ? `${pathProblems[code]} (${code})` : `failed (${code ?? 'unknown error'})`;
}
