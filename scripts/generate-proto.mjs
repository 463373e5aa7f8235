#!/usr/bin/env node
// `node ../../scripts/generate-proto.mjs NAME`, run from a package (its `generate:proto` script): regenerates the
// package's src/proto/generated/ from every .proto in its proto/NAME/ (vendored definitions, licences beside them) with
// protoc and protoc-gen-es (@bufbuild/protobuf's code generator, a devDependency of the package). Needs `protoc` on
// PATH (e.g. `apt install protobuf-compiler`, `brew install protobuf`). The files are renamed *_pb.gen.ts so the line
// budget and Biome leave them alone, and the sources' SHA-256 is recorded so a test notices a .proto edited without
// regenerating.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One SHA-256 over every .proto source, name and content, in name order (the packages' tests recompute it). */
export function protoSourcesHash(directory, names) {
  const hash = createHash('sha256');
  for (const name of names) hash.update(`${name}\n`).update(readFileSync(join(directory, name)));
  return hash.digest('hex');
}

const name = process.argv[2];
if (!name) throw new Error('usage: node scripts/generate-proto.mjs NAME (the folder under the package proto/)');
const packageDir = process.cwd();
const protoDir = join(packageDir, 'proto');
const outputDir = join(packageDir, 'src', 'proto', 'generated');
const sources = readdirSync(join(protoDir, name))
  .filter((file) => file.endsWith('.proto'))
  .sort()
  .map((file) => `${name}/${file}`);

const staging = mkdtempSync(join(tmpdir(), 'lantern-proto-'));
try {
  execFileSync(
    'protoc',
    [
      `--plugin=protoc-gen-es=${join(packageDir, 'node_modules', '.bin', 'protoc-gen-es')}`,
      `--es_out=${staging}`,
      '--es_opt=target=ts,import_extension=js',
      `-I${protoDir}`,
      ...sources,
    ],
    { stdio: 'inherit' },
  );
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(join(outputDir, '..'), { recursive: true });
  renameSync(join(staging, name), outputDir);
  for (const file of readdirSync(outputDir)) renameSync(join(outputDir, file), join(outputDir, file.replace(/\.ts$/, '.gen.ts')));
  writeFileSync(join(outputDir, 'proto-sources.sha256'), `${protoSourcesHash(protoDir, sources)}\n`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
console.log(`generated ${readdirSync(outputDir).join(', ')} in src/proto/generated`);
