import { defineConfig } from 'tsup';

export default defineConfig({
  // Two entries: the browser-safe main entry, and './node' with the file helpers (the only code that imports node:fs).
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Module printouts and error messages use class names, which esbuild would otherwise rename (`_Sequential`).
  keepNames: true,
});
