import { defineConfig } from 'vite';
// COOP same-origin + COEP require-corp make the page cross-origin isolated, which is what gives it SharedArrayBuffer
// and so wasm threads. Any static server that serves the production build must send them too (see README.md).
import { isolationHeaders } from './scripts/serve.mjs';

export default defineConfig({
  // Relative asset paths, so the build works from any folder of any static server.
  base: './',
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // @lantern/backend-wasm compiles its kernels with a top-level await; workers are ES modules for the same reason.
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  worker: { format: 'es' },
});
