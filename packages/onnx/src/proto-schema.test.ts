import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// scripts/generate-proto.mjs records a SHA-256 of proto/onnx/onnx.proto next to the TypeScript it generates from it;
// this recomputes it the same way (the 'onnx/onnx.proto' line, then the file's bytes).
describe('generated protocol buffer code', () => {
  it('was generated from onnx.proto as it is now (else run `pnpm generate:proto`)', () => {
    const source = readFileSync(new URL('../proto/onnx/onnx.proto', import.meta.url));
    const hash = createHash('sha256').update('onnx/onnx.proto\n').update(source).digest('hex');
    const recorded = readFileSync(new URL('./proto/generated/proto-sources.sha256', import.meta.url), 'utf8').trim();
    expect(hash).toBe(recorded);
  });

  it('is ONNX 1.12.0’s onnx.proto, vendored with its Apache-2.0 licence', () => {
    const source = readFileSync(new URL('../proto/onnx/onnx.proto', import.meta.url), 'utf8');
    // The SHA-256 of onnx/onnx.proto at tag v1.12.0, byte for byte.
    expect(createHash('sha256').update(source).digest('hex')).toBe(
      'a96f50c0fe1ff9180b6025843d4f7efcf53b024c83db55a36cd24a1e44345182',
    );
    expect(source).toContain('SPDX-License-Identifier: Apache-2.0');
    expect(source).toContain('IR_VERSION = 0x0000000000000008;');
    expect(readFileSync(new URL('../proto/onnx/LICENSE', import.meta.url), 'utf8')).toContain('Apache License');
  });
});
