import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  // Two entries: the browser-safe main entry and the node-only subpath (fs, https, worker_threads, tar).
  entry: ['src/index.ts', 'src/node.ts'],
});
