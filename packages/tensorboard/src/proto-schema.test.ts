import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// scripts/generate-proto.mjs records a SHA-256 of proto/tensorboard/*.proto next to the TypeScript it generates from
// them; this recomputes it the same way (each file's 'tensorboard/<name>' line, then its bytes, in name order).
describe('generated protocol buffer code', () => {
  it('was generated from the .proto files as they are now (else run `pnpm generate:proto`)', () => {
    const directory = new URL('../proto/tensorboard/', import.meta.url);
    const hash = createHash('sha256');
    for (const name of readdirSync(directory)
      .filter((entry) => entry.endsWith('.proto'))
      .sort()) {
      hash.update(`tensorboard/${name}\n`).update(readFileSync(new URL(name, directory)));
    }
    const recorded = readFileSync(new URL('./proto/generated/proto-sources.sha256', import.meta.url), 'utf8').trim();
    expect(hash.digest('hex')).toBe(recorded);
  });
});
