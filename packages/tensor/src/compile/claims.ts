import type { Backend } from '../backend.js';
import { entryOf } from './recorder.js';

/** What a claim needs of a plan: to hear that a storage it uses was released. */
export interface Claimant {
  noteReleased(handle: unknown): void;
}

// Storage that plans' recorded calls use, with the plans using it, and the subset whose tensors have all let go of it:
// the backend gets it back only once no plan claims it (several compiled steps can share parameters).
const claims = new Map<Backend, Map<unknown, Set<Claimant>>>();
const released = new Map<Backend, Set<unknown>>();

export function claim(claimant: Claimant, handles: ReadonlyMap<Backend, ReadonlySet<unknown>>): void {
  for (const [backend, owned] of handles) {
    const owners = entryOf(claims, backend, () => new Map<unknown, Set<Claimant>>());
    for (const handle of owned) {
      const claimants = owners.get(handle);
      if (claimants) claimants.add(claimant);
      else owners.set(handle, new Set([claimant]));
    }
  }
}

/** Drops the claims; storage released meanwhile that no other plan claims goes back to its backend. */
export function unclaim(claimant: Claimant, handles: ReadonlyMap<Backend, ReadonlySet<unknown>>): void {
  for (const [backend, owned] of handles) {
    const owners = claims.get(backend);
    for (const handle of owned) {
      const claimants = owners?.get(handle);
      claimants?.delete(claimant);
      if (claimants?.size) continue;
      owners?.delete(handle);
      if (released.get(backend)?.delete(handle)) backend.free(handle);
    }
  }
}

/** A release of claimed storage: kept from the backend and reported to its plans. False when nobody claims it. */
export function keepReleased(backend: Backend, handle: unknown): boolean {
  const claimants = claims.get(backend)?.get(handle);
  if (!claimants) return false;
  entryOf(released, backend, () => new Set<unknown>()).add(handle);
  for (const claimant of claimants) claimant.noteReleased(handle);
  return true;
}

/** Takes claimed storage back from the released set (a plan giving a gradient tensor its memory again). */
export function reviveReleased(backend: Backend, handle: unknown): boolean {
  return released.get(backend)?.delete(handle) === true;
}
