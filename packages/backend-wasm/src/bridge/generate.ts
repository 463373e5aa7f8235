import { checkOpCodes, checkTaskSignatures } from './check-table.js';
import { elementwiseProgramLayout } from './elementwise-program-layout.js';
import { generateAssemblyBridge, generateTaskExports } from './generate-assembly.js';
import { generateCallers } from './generate-callers.js';
import { binaryOpCodes, taskSignatures, unaryOpCodes } from './task-table.js';

export interface GeneratedBridge {
  /** assembly/generated/bridge.gen.ts */
  readonly assembly: string;
  /** assembly/generated/tasks.gen.ts */
  readonly taskExports: string;
  /** src/generated/bridge.gen.ts */
  readonly callers: string;
}

/** Checks the declaration and generates both sides of the bridge from it (scripts/build-wasm.mjs writes them). */
export function generateBridge(): GeneratedBridge {
  checkOpCodes('unaryOpCodes', unaryOpCodes);
  checkOpCodes('binaryOpCodes', binaryOpCodes);
  checkTaskSignatures(taskSignatures);
  return {
    assembly: generateAssemblyBridge(taskSignatures, unaryOpCodes, binaryOpCodes, elementwiseProgramLayout),
    taskExports: generateTaskExports(taskSignatures),
    callers: generateCallers(taskSignatures),
  };
}
