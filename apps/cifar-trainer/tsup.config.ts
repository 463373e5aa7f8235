import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bin.ts', 'src/course-script.ts', 'src/index.ts', 'src/bench.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  banner: { js: '#!/usr/bin/env node' },
});
