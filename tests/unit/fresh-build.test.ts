/**
 * Issue 16: a single test file run after editing the sources used the old out/. The global setup
 * now rebuilds when any build input is newer than the oldest output.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS, buildIsStale } from '../support/fresh-build.js';

function project(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-fresh-build-'));
  fs.mkdirSync(path.join(root, 'src/main/engine'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src/main/engine/runner.ts'), 'export {};\n');
  fs.writeFileSync(path.join(root, 'package.json'), '{}');
  return root;
}

function build(root: string, at: Date): void {
  for (const output of BUILD_OUTPUTS) {
    fs.mkdirSync(path.dirname(path.join(root, output)), { recursive: true });
    fs.writeFileSync(path.join(root, output), '');
    fs.utimesSync(path.join(root, output), at, at);
  }
}

describe('the build the tests use', () => {
  it('is stale with no out/, fresh after a build, stale again once a source deep in src/ is edited', () => {
    const root = project();
    const sourcesWritten = new Date(Date.now() - 60_000);
    for (const file of ['src/main/engine/runner.ts', 'package.json'])
      fs.utimesSync(path.join(root, file), sourcesWritten, sourcesWritten);
    for (const dir of ['src/main/engine', 'src/main', 'src'])
      fs.utimesSync(path.join(root, dir), sourcesWritten, sourcesWritten);
    expect(buildIsStale(root)).toBe(true);
    build(root, new Date(Date.now() - 30_000));
    expect(buildIsStale(root)).toBe(false);
    fs.writeFileSync(path.join(root, 'src/main/engine/runner.ts'), 'export const edited = 1;\n');
    expect(buildIsStale(root)).toBe(true);
  });

  it('is stale when one output is missing', () => {
    const root = project();
    build(root, new Date(Date.now() + 60_000));
    expect(buildIsStale(root)).toBe(false);
    fs.rmSync(path.join(root, 'out/preload/index.cjs'));
    expect(buildIsStale(root)).toBe(true);
  });
});
