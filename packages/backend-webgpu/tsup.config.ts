import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  // The public types mention GPUDevice and friends: point consumers' compilers at @webgpu/types (a dependency).
  dts: { banner: '/// <reference types="@webgpu/types" />' },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Node resolves the Dawn binding at run time; browsers never import it.
  external: ['webgpu'],
});
