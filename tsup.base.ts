import type { Options } from 'tsup';

/** What every Lantern package's build shares: ESM with type declarations and source maps, for ES2022 runtimes. */
export const packageBuild = {
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
} satisfies Options;
