import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  // Two entries: the browser-safe main entry, and './node' with the file helpers (the only code that imports node:fs).
  entry: ['src/index.ts', 'src/node.ts'],
  // Module printouts and error messages use class names, which esbuild would otherwise rename (`_Sequential`).
  keepNames: true,
});
