import type { TaskSignature } from './declaration.js';
import { generatedHeader } from './generate-assembly.js';
import { commentLines, indexedTasks, type SlottedArgument, slottedArguments, taskStem } from './slots.js';

function field({ name, kind, meaning }: SlottedArgument): string[] {
  return [`  /** ${meaning} */`, `  readonly ${name}: ${kind === 'flag' ? 'boolean' : 'number'};`];
}

function write({ name, kind, slot }: SlottedArgument): string {
  if (kind === 'real') return `  pool.setReal(${slot}, args.${name});`;
  return `  pool.setInt(${slot}, args.${kind === 'flag' ? `${name} ? 1 : 0` : name});`;
}

/** A function's first line, or its parameters one per line where one line would pass 120 characters. */
function callerHead(name: string, parameters: readonly string[]): string[] {
  const line = `export function ${name}(${parameters.join(', ')}): void {`;
  if (line.length <= 120) return [line];
  return [`export function ${name}(`, ...parameters.map((parameter) => `  ${parameter},`), '): void {'];
}

/**
 * src/generated/bridge.gen.ts: the task names in index order, and per signature an interface of named arguments and,
 * per task, a caller that writes them into their slots and dispatches the task by its index.
 */
export function generateCallers(signatures: readonly TaskSignature[]): string {
  const tasks = indexedTasks(signatures);
  const lines = [
    generatedHeader,
    '',
    '/** What a generated caller needs from the thread pool (src/thread-pool.ts). */',
    'export interface TaskDispatcher {',
    '  /** Writes i32 argument slot `slot` of the next dispatch. */',
    '  setInt(slot: number, value: number): void;',
    '  /** Writes f64 argument slot `slot` of the next dispatch. */',
    '  setReal(slot: number, value: number): void;',
    '  /** Runs chunks 0 .. chunks - 1 of the task at index `task` of taskNames. */',
    '  run(task: number, chunks: number, serial: boolean): void;',
    '}',
    '',
    '/** Every task in index order: the calling thread dispatches by index, each worker resolves these names once. */',
    'export const taskNames = [',
    ...tasks.map(({ task }) => `  '${task}',`),
    '] as const;',
    'export type TaskName = (typeof taskNames)[number];',
  ];
  for (const signature of signatures) {
    const slotted = slottedArguments(signature);
    lines.push(
      '',
      '/**',
      ...commentLines(`Arguments of ${signature.tasks.join(', ')}. ${signature.description}`, ' * '),
      ' */',
      `export interface ${signature.name}Arguments {`,
      ...slotted.flatMap(field),
      '}',
    );
    for (const task of signature.tasks) {
      const index = tasks.findIndex((entry) => entry.task === task);
      lines.push(
        '',
        `/** Runs ${task} over chunks 0 .. chunks - 1; \`serial\` keeps them on the calling thread. */`,
        ...callerHead(`run${taskStem(task)}`, [
          'pool: TaskDispatcher',
          `args: ${signature.name}Arguments`,
          'chunks: number',
          'serial = false',
        ]),
        ...slotted.map(write),
        `  pool.run(${index}, chunks, serial); // ${task}`,
        '}',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
