import { copyFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandResult, runCommand } from './run-command.js';

const programsFolder = fileURLToPath(new URL('./programs/', import.meta.url));

/** Copies files from src/programs into the install folder, where their imports resolve to the installed tarballs. */
export function placePrograms(installFolder: string, names: readonly string[]): void {
  for (const name of names) copyFileSync(join(programsFolder, name), join(installFolder, name));
}

/**
 * Runs `node <args>` in the install folder with the Node that runs these tests (process.execPath: Node 22 when started
 * through pnpm, as the workspace pins it).
 */
export function runNode(installFolder: string, args: readonly string[], timeoutMs = 120_000): Promise<CommandResult> {
  return runCommand(process.execPath, args, { cwd: installFolder, timeoutMs });
}

/**
 * The environment with the Node running these tests first on PATH, so whatever starts through `#!/usr/bin/env node`
 * (npm itself, the trainer's bin) runs on it too rather than on the machine's own older node.
 */
export function environmentWithTestNode(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, PATH: `${dirname(process.execPath)}${delimiter}${base.PATH ?? ''}` };
}

/**
 * npm reads npm_config_* from the environment; pnpm sets its own there when it runs this script, so drop them. npm
 * runs on the tests' Node (22 under pnpm), which the packages' engines field asks for.
 */
export function npmEnvironment(): NodeJS.ProcessEnv {
  return environmentWithTestNode(
    Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key))),
  );
}
