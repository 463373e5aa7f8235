import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The raw modules ship next to the bundle (which embeds them) for anyone who wants to inspect or reuse them.
  publicDir: 'wasm',
});
