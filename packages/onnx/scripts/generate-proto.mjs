#!/usr/bin/env node
// Regenerates src/proto/generated/ from proto/onnx/onnx.proto (ONNX's own definitions, vendored with their licence)
// with protoc and protoc-gen-es (@bufbuild/protobuf's code generator). Needs `protoc` on PATH (e.g.
// `apt install protobuf-compiler`, `brew install protobuf`). The file is renamed *_pb.gen.ts so the line budget and
// Biome leave it alone, and the source's SHA-256 is recorded so a test notices a .proto edited without regenerating.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const protoDir = join(packageDir, 'proto');
const outputDir = join(packageDir, 'src', 'proto', 'generated');
const sources = ['onnx/onnx.proto'];

const staging = mkdtempSync(join(tmpdir(), 'lantern-onnx-proto-'));
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
  renameSync(join(staging, 'onnx'), outputDir);
  for (const name of readdirSync(outputDir)) renameSync(join(outputDir, name), join(outputDir, name.replace(/\.ts$/, '.gen.ts')));
  writeFileSync(join(outputDir, 'proto-sources.sha256'), `${protoSourcesHash(protoDir, sources)}\n`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
console.log(`generated ${readdirSync(outputDir).join(', ')} in src/proto/generated`);

/** One SHA-256 over every .proto source, name and content, in name order (the test recomputes it the same way). */
export function protoSourcesHash(directory, names) {
  const hash = createHash('sha256');
  for (const name of names) hash.update(`${name}\n`).update(readFileSync(join(directory, name)));
  return hash.digest('hex');
}
