import { ensureFreshBuild } from '../support/fresh-build.js';

/** Tests of built artifacts: out/ as the sources are now (the global setup has already rebuilt a stale one, so this only checks). */
export function ensureBuilt(): void {
  ensureFreshBuild();
}
