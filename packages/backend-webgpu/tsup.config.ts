import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts'],
  // The public types mention GPUDevice and friends: point consumers' compilers at @webgpu/types (a dependency).
  dts: { banner: '/// <reference types="@webgpu/types" />' },
  // Node resolves the Dawn binding at run time; browsers never import it.
  external: ['webgpu'],
});
