// Tests run from source on a fresh clone: build what the package generates first (the bridge, the worker's script and
// the compiled kernels) when it is missing or older than its sources (see isStale in build-wasm.mjs).
import { buildWasm, isStale } from './build-wasm.mjs';

export default async function setup() {
  if (isStale()) await buildWasm();
}
