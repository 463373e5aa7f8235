import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  entry: ['src/bin.ts', 'src/course-script.ts', 'src/index.ts', 'src/bench.ts', 'src/step-breakdown.ts'],
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
});
