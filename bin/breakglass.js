#!/usr/bin/env node
// The installed `breakglass` command: the CLI built by `npm run build` (electron-vite → out/main/cli.js).
import('../out/main/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('breakglass: the CLI is not built yet; run `npm run build` first.\n');
    process.exitCode = 2;
    return;
  }
  throw error;
});
