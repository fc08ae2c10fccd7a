// Where the Electron executable is, when it is installed. Reads the electron package's path.txt
// directly: `require('electron')` would try to download the binary when it is missing.
import fs from 'node:fs';
import path from 'node:path';

/** @returns {string | undefined} */
export function electronBinary(root) {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const binary = path.join(packageDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : undefined;
}

/** Why Electron cannot open a window here, or undefined when it can. */
export function electronUnavailableReason(root, env = process.env, platform = process.platform) {
  if (!electronBinary(root)) return 'no Electron binary installed';
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return 'no display: DISPLAY and WAYLAND_DISPLAY are unset';
  return undefined;
}
