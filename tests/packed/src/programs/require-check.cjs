// CommonJS: require() every entry point of every installed @lantern package (Node 22's require(esm)), one at a time,
// then start two backends through it. Prints one JSON line: per specifier, what it exported or how it failed.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const scopes = [['@lantern', join(__dirname, 'node_modules', '@lantern')]];
const specifiers = [];
for (const [scope, folder] of scopes) {
  for (const name of readdirSync(folder)) {
    const manifest = JSON.parse(readFileSync(join(folder, name, 'package.json'), 'utf8'));
    if (manifest.exports === undefined && manifest.main === undefined) continue; // bins only (the trainer)
    const subpaths =
      manifest.exports &&
      typeof manifest.exports === 'object' &&
      !Array.isArray(manifest.exports) &&
      Object.keys(manifest.exports).every((key) => key.startsWith('.'))
        ? Object.keys(manifest.exports)
        : ['.'];
    for (const subpath of subpaths) {
      if (subpath.includes('*') || subpath === './package.json') continue;
      specifiers.push(subpath === '.' ? `${scope}/${name}` : `${scope}/${name}/${subpath.slice(2)}`);
    }
  }
}

const results = {};
for (const specifier of specifiers) {
  try {
    const exported = require(specifier);
    results[specifier] = { loaded: true, exportNames: Object.keys(exported).length };
  } catch (error) {
    results[specifier] = { loaded: false, code: error.code ?? null, message: String(error.message).split('\n')[0] };
  }
}

// Backends start only when asked to: register cpu, then wasm (whose entry has no top-level await, so require() loads
// it), and compute on each.
async function computeOnBackends() {
  const sums = { cpu: null, wasm: null };
  if (!results['@lantern/tensor']?.loaded) return sums;
  const { setBackend, tensor } = require('@lantern/tensor');
  if (results['@lantern/backend-cpu']?.loaded) {
    await require('@lantern/backend-cpu').registerCpuBackend();
    setBackend('cpu');
    sums.cpu = tensor([1, 2, 3]).sum().item();
  }
  if (results['@lantern/backend-wasm']?.loaded) {
    await require('@lantern/backend-wasm').registerWasmBackend({ threads: 1 });
    setBackend('wasm');
    sums.wasm = tensor([1, 2, 3]).float().sum().item();
  }
  return sums;
}

computeOnBackends().then((sums) => console.log(JSON.stringify({ node: process.version, results, sums })));
