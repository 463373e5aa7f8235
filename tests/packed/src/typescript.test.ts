import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { placePrograms, runNode } from './programs.js';

// Step 3b: a strict TypeScript program against the INSTALLED packages' declarations, with the workspace's own
// TypeScript, under both module resolutions users pick: nodenext (Node) and bundler. skipLibCheck is off, so the
// shipped .d.ts files themselves (and whatever third-party types they pull in) must check cleanly too.
const { installFolder } = inject('packed');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const configurations = {
  nodenext: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, skipLibCheck: false },
  bundler: { strict: true, module: 'esnext', moduleResolution: 'bundler', noEmit: true, skipLibCheck: false },
} as const;

describe('strict TypeScript against the installed declarations', () => {
  beforeAll(() => {
    placePrograms(installFolder, ['typed-program.mts']);
    for (const [name, compilerOptions] of Object.entries(configurations)) {
      writeFileSync(
        join(installFolder, `tsconfig.${name}.json`),
        JSON.stringify({ compilerOptions, files: ['typed-program.mts'] }, null, 2),
      );
    }
  });

  it.each(Object.keys(configurations))('type-checks with zero errors under %s', async (name) => {
    const result = await runNode(installFolder, [tsc, '-p', `tsconfig.${name}.json`, '--pretty', 'false']);
    const errors = result.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors, `tsc -p tsconfig.${name}.json (in ${installFolder})`).toEqual([]);
    expect(result.code, `tsc exited ${result.code}:\n${result.stdout}${result.stderr}`).toBe(0);
  });
});
