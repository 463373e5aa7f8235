import { version } from '../package.json';
import { LanternError } from './errors.js';

/**
 * Two copies of `@lantern/tensor` in one program, each with its own backend registry (npm installs a second copy when
 * two packages ask for versions that do not overlap, and some bundler setups resolve one version through two paths).
 * A backend imported through one copy is then invisible to layers built on the other, which would fail later with a
 * misleading "no backend is registered". The message names both versions and where each was loaded from.
 */
export class DuplicateCoreError extends LanternError {
  constructor(readonly copies: readonly LoadedCore[]) {
    super(
      `${copies.length} copies of @lantern/tensor are loaded: ` +
        copies.map((copy) => `${copy.version} from ${copy.location}`).join(' and ') +
        '. Each copy has its own backend registry, so a backend imported through one is missing in the other. ' +
        'Install one version of @lantern/tensor (it is a peer dependency of every @lantern package): ' +
        '`npm ls @lantern/tensor` shows who asks for which, `npm dedupe` or aligned versions fix it.',
    );
  }
}

export interface LoadedCore {
  readonly version: string;
  readonly location: string;
}

// One list per JavaScript realm, shared by every copy through the global symbol registry.
const loadedCoresKey = Symbol.for('@lantern/tensor/loaded-copies');
const globalSlot = globalThis as { [loadedCoresKey]?: LoadedCore[] };
const loadedCores: LoadedCore[] = globalSlot[loadedCoresKey] ?? [];
globalSlot[loadedCoresKey] = loadedCores;
const thisCore: LoadedCore = { version, location: import.meta.url };
// A module evaluated again from the same file (a dev server's hot reload) is the same copy, not a second one.
if (!loadedCores.some((core) => core.location === thisCore.location && core.version === thisCore.version))
  loadedCores.push(thisCore);

let verified = false;

/** Throws DuplicateCoreError when another copy of the core has been loaded; cheap after the first call. */
export function assertSingleCore(): void {
  if (verified) return;
  if (loadedCores.length > 1) throw new DuplicateCoreError(loadedCores);
  verified = true;
}
