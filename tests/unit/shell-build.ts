import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Tests of built artifacts build once when out/ is missing (npm test has built already). */
export function ensureBuilt(): void {
  if (['out/preload/index.cjs', 'out/renderer/index.html'].every((file) => fs.existsSync(file))) return;
  const result = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stderr}`);
}
