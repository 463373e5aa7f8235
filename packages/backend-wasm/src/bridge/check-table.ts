import { type ArgumentKind, intSlots, realSlots, type TaskSignature } from './declaration.js';

/** The bridge's declaration breaks a rule the generated code relies on; the message names the entry. */
export class BridgeDeclarationError extends Error {
  override name = 'BridgeDeclarationError';
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Names no reader can take: keywords, the AssemblyScript types and builtin a reader's body names (inside the
// namespace a reader of that name would shadow them), and the readers' own parameter.
const reservedNames = new Set([
  ...['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum'],
  ...['export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'let', 'new'],
  ...['null', 'return', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while'],
  ...['with', 'yield', 'await', 'namespace', 'type', 'i32', 'u32', 'f64', 'usize', 'bool', 'load', 'args'],
]);
const kinds: ReadonlySet<ArgumentKind> = new Set(['int', 'address', 'flag', 'real']);

/** Two ops sharing a code would run one as the other: every code must be a distinct non-negative i32. */
export function checkOpCodes(table: string, codes: Readonly<Record<string, number | null>>): void {
  const owners = new Map<number, string>();
  for (const [op, code] of Object.entries(codes)) {
    if (!identifier.test(op)) throw new BridgeDeclarationError(`${table}: "${op}" cannot name a generated constant`);
    if (code === null) continue;
    if (!Number.isInteger(code) || code < 0 || code > 0x7fffffff)
      throw new BridgeDeclarationError(`${table}: ${op} has code ${code}, expected a non-negative 32-bit integer`);
    const owner = owners.get(code);
    if (owner !== undefined) throw new BridgeDeclarationError(`${table}: ${op} and ${owner} share the code ${code}`);
    owners.set(code, op);
  }
}

function checkSignature(signature: TaskSignature): void {
  const where = `task signature ${signature.name}`;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(signature.name)) throw new BridgeDeclarationError(`${where}: the name must be PascalCase`);
  if (signature.tasks.length === 0) throw new BridgeDeclarationError(`${where}: no task takes it`);
  for (const task of signature.tasks) {
    if (!/^[a-z][A-Za-z0-9]*Task$/.test(task))
      throw new BridgeDeclarationError(`${where}: task ${task} must be a camelCase name ending in "Task"`);
  }
  const names = new Set<string>();
  let ints = 0,
    reals = 0;
  for (const [name, kind] of signature.arguments) {
    if (!identifier.test(name) || reservedNames.has(name))
      throw new BridgeDeclarationError(`${where}: argument "${name}" is not a usable identifier`);
    if (names.has(name)) throw new BridgeDeclarationError(`${where}: argument ${name} is declared twice`);
    if (!kinds.has(kind)) throw new BridgeDeclarationError(`${where}: argument ${name} has unknown kind "${kind}"`);
    names.add(name);
    if (kind === 'real') reals++;
    else ints++;
  }
  if (ints > intSlots) throw new BridgeDeclarationError(`${where}: ${ints} i32 arguments, the block has ${intSlots} slots`);
  if (reals > realSlots) throw new BridgeDeclarationError(`${where}: ${reals} f64 arguments, the block has ${realSlots} slots`);
}

/** Checks every rule the generators rely on: unique names, usable identifiers, arguments that fit the block. */
export function checkTaskSignatures(signatures: readonly TaskSignature[]): void {
  const signatureNames = new Set<string>(),
    taskNames = new Set<string>();
  for (const signature of signatures) {
    checkSignature(signature);
    if (!/^[a-z][a-z0-9-]*$/.test(signature.module))
      throw new BridgeDeclarationError(
        `task signature ${signature.name}: module '${signature.module}' is not a file under assembly/`,
      );
    if (signatureNames.has(signature.name))
      throw new BridgeDeclarationError(`task signature ${signature.name} is declared twice`);
    signatureNames.add(signature.name);
    for (const task of signature.tasks) {
      if (taskNames.has(task)) throw new BridgeDeclarationError(`task ${task} is declared in two signatures`);
      taskNames.add(task);
    }
  }
}
