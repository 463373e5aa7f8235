// Module hooks that let a child process run the trainer from its TypeScript sources, as the tests' vitest does:
// `@lantern/*` resolves to packages/*/src (the same mapping as vitest.shared.ts), a relative `.js` import finds its
// `.ts` file, and TypeScript is transpiled file by file. The crash and kill tests need a real process to SIGKILL.
// Transpiled files are cached in the system's temporary folder, keyed by their source, so that the tests' many
// child processes do not each load TypeScript and transpile the same files.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cacheDirectory = join(tmpdir(), 'lantern-trainer-test-transpiled');
// Part of every cache key: change it when the compiler options below change.
const cacheVersion = 'ES2022/ESNext/isolatedModules';
let typescript;

const packagesDirectory = fileURLToPath(new URL('../../../../packages', import.meta.url));
const packageEntries = new Map();
for (const name of readdirSync(packagesDirectory)) {
  const manifestPath = join(packagesDirectory, name, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (!manifest.name) continue;
  for (const subpath of Object.keys(manifest.exports ?? { '.': null })) {
    const file = join(packagesDirectory, name, 'src', subpath === '.' ? 'index.ts' : `${subpath.slice(2)}.ts`);
    if (existsSync(file)) packageEntries.set(subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`, file);
  }
}

export async function resolve(specifier, context, nextResolve) {
  const entry = packageEntries.get(specifier);
  if (entry) return { url: pathToFileURL(entry).href, shortCircuit: true };
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const typescriptUrl = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(typescriptUrl))) return { url: typescriptUrl.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.json') && context.importAttributes?.type !== 'json') return jsonModule(url);
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  return { format: 'module', source: await transpile(fileURLToPath(url)), shortCircuit: true };
}

async function transpile(path) {
  const source = readFileSync(path, 'utf8');
  const cached = join(
    cacheDirectory,
    `${createHash('sha256').update(`${cacheVersion}\0${path}\0`).update(source).digest('hex')}.js`,
  );
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  typescript ??= (await import('typescript')).default;
  const { outputText } = typescript.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      isolatedModules: true,
    },
  });
  // Written whole under a unique name, then renamed: a concurrent child never reads half a file.
  mkdirSync(cacheDirectory, { recursive: true });
  const temporary = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, outputText);
  renameSync(temporary, cached);
  return outputText;
}

// A bundler lets TypeScript import a JSON file's fields by name (`import { version } from '../package.json'`); Node's
// JSON modules export only a default, so the file becomes a module exporting each top-level field.
function jsonModule(url) {
  const value = JSON.parse(readFileSync(fileURLToPath(url), 'utf8'));
  const fields = Object.keys(value).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key));
  const source = [`const value = ${JSON.stringify(value)};`, 'export default value;']
    .concat(fields.map((key) => `export const ${key} = value[${JSON.stringify(key)}];`))
    .join('\n');
  return { format: 'module', source, shortCircuit: true };
}
