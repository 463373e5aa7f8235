import type { Backend, ElementwiseProgram, ElementwiseStep, FusibleOp, TensorView } from '../backend.js';
import { fusibleOps, isTensorView } from '../backend.js';
import { isContiguous, sizeOf } from '../shape.js';
import type { RecordedCall, RecordedEntry } from './recorder.js';

const fusible: ReadonlySet<string> = new Set(fusibleOps);
const maxInputs = 8;
const maxSteps = 16;

/** A unary or binary call that a program can hold: float32, contiguous output, operands contiguous or one value. */
interface Candidate {
  readonly op: FusibleOp;
  readonly operands: readonly TensorView[];
  readonly output: TensorView;
}

const sameView = (a: TensorView, b: TensorView) =>
  a.handle === b.handle && a.offset === b.offset && a.shape.join() === b.shape.join() && a.strides.join() === b.strides.join();

function candidate(entry: RecordedEntry, backend: Backend): Candidate | null {
  if (!('kernel' in entry) || entry.target !== backend || (entry.method !== 'unary' && entry.method !== 'binary')) return null;
  const [op, ...views] = entry.args as [string, ...TensorView[]];
  if (!fusible.has(op)) return null;
  const output = views[views.length - 1]!;
  const operands = views.slice(0, -1);
  if (![...operands, output].every((view) => view.dtype === 'float32')) return null;
  if (!isContiguous(output.shape, output.strides)) return null;
  const fits = (view: TensorView) =>
    view.strides.every((stride) => stride === 0) ||
    (view.shape.join() === output.shape.join() && isContiguous(view.shape, view.strides));
  return operands.every(fits) ? { op: op as FusibleOp, operands, output } : null;
}

/** Whether `entry` is a call that reads and writes none of `handles` (a write's target counts). */
function independent(entry: RecordedEntry, handles: ReadonlySet<unknown>): boolean {
  if (!('kernel' in entry)) return false;
  return entry.args.every((arg) => {
    if (isTensorView(arg)) return !handles.has(arg.handle);
    return !handles.has(arg);
  });
}

/**
 * Whether the storage under `view` (an intermediate of a chain ending at entry `end`) is never read again: after
 * `end`, its next use writes all of it (a zero fill or a primitive's whole output) before anything reads it, or it has
 * no next use and the plan owns it (it was freed during the trace). Eager work reads anything, so it ends the search.
 */
function deadAfter(entries: readonly RecordedEntry[], end: number, view: TensorView, owned: ReadonlySet<unknown>): boolean {
  for (let index = end + 1; index < entries.length; index++) {
    const entry = entries[index]!;
    if (!('kernel' in entry)) return false;
    const views = entry.args.filter(isTensorView);
    const uses = views.filter((other) => other.handle === view.handle);
    if (uses.length === 0) continue;
    const output = views[views.length - 1]!;
    const whole = (other: TensorView) => other.offset === 0 && isContiguous(other.shape, other.strides);
    const writesFirst =
      uses.length === 1 && uses[0] === output && whole(output) && (entry.method !== undefined || entry.args[1] === 0);
    return writesFirst && sizeOf(output.shape) >= sizeOf(view.shape) + view.offset;
  }
  return owned.has(view.handle);
}

/**
 * Compile's fusion pass: runs of consecutive unary and binary calls on `backend`, each consuming the previous one's
 * result, whose intermediate results nothing else reads, become one `elementwiseProgram` call. The backend computes
 * each step with its own rounding, so the values do not change; the intermediates are neither written nor read.
 */
export function fuseElementwise(
  entries: readonly RecordedEntry[],
  backend: Backend,
  owned: ReadonlySet<unknown>,
): RecordedEntry[] {
  const run = backend.elementwiseProgram;
  if (!run) return [...entries];
  const fused: RecordedEntry[] = [];
  for (let start = 0; start < entries.length; ) {
    const first = candidate(entries[start]!, backend);
    if (!first) {
      fused.push(entries[start++]!);
      continue;
    }
    const inputs: TensorView[] = [];
    const steps: ElementwiseStep[] = [];
    const operandIndex = (view: TensorView, previous: TensorView | null): number => {
      if (previous && sameView(view, previous)) return -1; // placeholder: the previous step's result
      const known = inputs.findIndex((input) => sameView(input, view));
      if (known >= 0) return known;
      inputs.push(view);
      return inputs.length - 1;
    };
    let end = start;
    let previous: Candidate | null = null;
    const chain: Array<{ op: FusibleOp; operands: number[] }> = [];
    const touched = new Set<unknown>(); // handles the chain reads or writes so far
    const between: RecordedEntry[] = []; // independent calls among the chain's, run before the fused call
    let skipped: RecordedEntry[] = [];
    for (let index = start; index < entries.length && chain.length < maxSteps; index++) {
      const next = index === start ? first : candidate(entries[index]!, backend);
      if (!next || (previous && !next.operands.some((view) => sameView(view, previous!.output)))) {
        // A call touching none of the chain's storage (a scalar operand's write, a zero fill) may run before it.
        if (skipped.length < 8 && independent(entries[index]!, touched)) {
          skipped.push(entries[index]!);
          continue;
        }
        break;
      }
      if (previous && !deadAfter(entries, index, previous.output, owned)) break;
      const before = inputs.length;
      const operands = next.operands.map((view) => operandIndex(view, previous?.output ?? null));
      if (inputs.length > maxInputs) {
        inputs.length = before;
        break;
      }
      for (const view of [...next.operands, next.output]) touched.add(view.handle);
      chain.push({ op: next.op, operands });
      between.push(...skipped);
      skipped = [];
      previous = next;
      end = index;
    }
    if (chain.length < 2) {
      fused.push(entries[start++]!);
      continue;
    }
    // Step results are numbered after the inputs; -1 (the previous step's result) becomes that number.
    chain.forEach(({ op, operands }, step) => {
      steps.push({ op, operands: operands.map((operand) => (operand === -1 ? inputs.length + step - 1 : operand)) });
    });
    const program: ElementwiseProgram = { steps };
    const call: RecordedCall = {
      kernel: run as RecordedCall['kernel'],
      target: backend,
      args: [program, inputs, previous!.output],
    };
    fused.push(...between, call);
    start = end + 1;
  }
  return fused;
}
