import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts'],
  // Module printouts and error messages use class names, which esbuild would otherwise rename.
  keepNames: true,
});
