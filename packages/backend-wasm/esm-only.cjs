// require('@lantern/backend-wasm') lands here. The package is ESM-only: its entry compiles the WebAssembly module and
// starts the worker pool with top-level await, which Node's require(esm) cannot load. Say so instead of Node's
// generic ERR_REQUIRE_ASYNC_MODULE.
const error = new Error(
  '@lantern/backend-wasm is ESM-only: its entry uses top-level await, so require() cannot load it. ' +
    "Use `import '@lantern/backend-wasm'` in an ES module, or `await import('@lantern/backend-wasm')` from CommonJS.",
);
error.code = 'ERR_LANTERN_ESM_ONLY';
throw error;
