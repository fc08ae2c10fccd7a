import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** What `npm run build` makes that tests use: the CLI, the Electron entry, the preload, the renderer. */
export const BUILD_OUTPUTS = [
  'out/main/cli.js',
  'out/main/index.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];
/** What the build reads. */
export const BUILD_INPUTS = ['src', 'electron.vite.config.ts', 'package.json', 'package-lock.json'];

/** True when an output is missing or any input was changed after the oldest output was written. */
export function buildIsStale(root: string): boolean {
  let oldestOutput = Infinity;
  for (const output of BUILD_OUTPUTS) {
    try {
      oldestOutput = Math.min(oldestOutput, fs.statSync(path.join(root, output)).mtimeMs);
    } catch {
      return true;
    }
  }
  return BUILD_INPUTS.some((input) => newestMtime(path.join(root, input)) > oldestOutput);
}

function newestMtime(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(file)
    .reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), stat.mtimeMs);
}

/**
 * Run once by the global setup: a single test file run after editing the sources tests what the
 * sources say, not an old out/. `npm test` has just built, so there it does nothing.
 */
export function ensureFreshBuild(root = process.cwd()): void {
  if (!buildIsStale(root)) return;
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(`The build (electron-vite build) failed:\n${result.stderr}${result.stdout}`);
}
