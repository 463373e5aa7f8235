// Shared by the tests (not exported from the package): fixture files next to these tests; tensors from fixtures and
// element-wise comparison come from the conformance package.
import { readFileSync } from 'node:fs';

export { expectClose, type FixtureValues as FixtureTensor, fromFixture } from '@lantern/conformance';

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as T;
}

export function readFixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));
}
