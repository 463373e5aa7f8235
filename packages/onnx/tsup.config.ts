import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  // Two entries: the browser-safe main entry (bytes in, bytes out) and the node-only subpath that writes files.
  entry: ['src/index.ts', 'src/node.ts'],
});
