import type { ArgumentKind, TaskSignature } from './declaration.js';

export interface SlottedArgument {
  readonly name: string;
  readonly kind: ArgumentKind;
  readonly meaning: string;
  /** The slot among its kind's: i32 slots (int, address, flag) or f64 slots (real). */
  readonly slot: number;
}

/** A signature's arguments with their slots: i32 and f64 slots are numbered separately, in declaration order. */
export function slottedArguments(signature: TaskSignature): SlottedArgument[] {
  let ints = 0,
    reals = 0;
  return signature.arguments.map(([name, kind, meaning]) => ({
    name,
    kind,
    meaning,
    slot: kind === 'real' ? reals++ : ints++,
  }));
}

/** Every task in index order, each with the signature it takes. */
export function indexedTasks(signatures: readonly TaskSignature[]): Array<{ task: string; signature: TaskSignature }> {
  return signatures.flatMap((signature) => signature.tasks.map((task) => ({ task, signature })));
}

/** 'convForwardTask' → 'ConvForward': the task's part of its caller's name, `runConvForward`. */
export function taskStem(task: string): string {
  const stem = task.replace(/Task$/, '');
  return stem.charAt(0).toUpperCase() + stem.slice(1);
}

/** Wraps `text` into comment lines of at most `width` characters, each starting with `prefix`. */
export function commentLines(text: string, prefix: string, width = 118): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(prefix + line);
  return lines;
}
