// CommonJS: require() every entry point of every installed @lantern package (Node 22's require(esm)), one at a time,
// then use two of them together. Prints one JSON line: per specifier, what it exported or how it failed.
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

let sum = null;
if (results['@lantern/tensor']?.loaded && results['@lantern/backend-cpu']?.loaded) {
  const { setBackend, tensor } = require('@lantern/tensor');
  setBackend('cpu');
  sum = tensor([1, 2, 3]).sum().item();
}
console.log(JSON.stringify({ node: process.version, results, sum }));
