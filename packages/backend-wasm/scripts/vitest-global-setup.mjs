// Tests run from source on a fresh clone: compile the kernels first when the generated module is missing or older
// than assembly/.
import { buildWasm, isStale } from './build-wasm.mjs';

export default async function setup() {
  if (isStale()) await buildWasm();
}
