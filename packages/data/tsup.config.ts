import { defineConfig } from 'tsup';

export default defineConfig({
  // Two entries: the browser-safe main entry and the node-only subpath (fs, https, worker_threads, tar).
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
