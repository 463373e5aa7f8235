import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts'],
  // The raw modules ship next to the bundle (which embeds them) for anyone who wants to inspect or reuse them.
  publicDir: 'wasm',
});
