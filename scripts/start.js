#!/usr/bin/env node
// `npm start`: builds if out/ is missing, then opens the wizard in Electron when its binary exists
// and a display is available; otherwise says why in one line and serves the same wizard from the
// loopback web host (`breakglass serve`), printing its URL.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, electronUnavailableReason } from './electron-binary.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = ['main/index.js', 'main/cli.js', 'preload/index.cjs', 'renderer/index.html'].every((file) =>
  fs.existsSync(path.join(root, 'out', file)),
);

if (!built) {
  console.log('Building the wizard first (npm run build)…');
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) {
    console.error('The build failed; see the errors above.');
    process.exit(build.status ?? 1);
  }
}

const unavailable = electronUnavailableReason(root);
if (unavailable) {
  console.log(`Electron cannot start here (${unavailable}); serving the wizard in your browser instead.`);
  serveInBrowser();
} else {
  launchElectron(electronBinary(root));
}

function launchElectron(binary) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit', env });
  forwardSignals(child);
  child.on('error', (error) => {
    console.log(`Electron failed to start (${error.message}); serving the wizard in your browser instead.`);
    serveInBrowser();
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) {
      console.log(`Electron exited with code ${code}; serving the wizard in your browser instead.`);
      serveInBrowser();
    } else process.exit(code ?? 0);
  });
}

function serveInBrowser() {
  const child = spawn(
    process.execPath,
    [path.join(root, 'out', 'main', 'cli.js'), 'serve', ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit' },
  );
  forwardSignals(child);
  child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
}

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}
