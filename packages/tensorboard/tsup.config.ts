import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  // Two entries: the browser-safe main entry and the node-only subpath (node:fs for the file sink).
  entry: ['src/index.ts', 'src/node.ts'],
});
