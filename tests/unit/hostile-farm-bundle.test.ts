/** A farm bundle whose files were swapped for a FIFO or a link to /dev/zero: refused at once, nothing written. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exportFarmBundle,
  FarmBundleError,
  importFarmBundle,
} from '../../src/main/systems/outsystems/farm-bundle.js';
import { loadOrCreateSigningKey } from '../../src/main/platform/secrets/signing-key.js';
import { FIXTURES_DIR } from '../support/scripted-exec.js';

const HSCONF_DIR = path.join(FIXTURES_DIR, 'outsystems/hsconf');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-farm-bundle-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const signingKey = await loadOrCreateSigningKey(path.join(scratch, 'keys', 'farm-signing.key'));

function server(): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'server-'));
  fs.copyFileSync(path.join(HSCONF_DIR, 'sqlserver-bom-crlf.hsconf'), path.join(dir, 'server.hsconf'));
  fs.copyFileSync(path.join(HSCONF_DIR, 'private.key'), path.join(dir, 'private.key'));
  return dir;
}

describe.runIf(process.platform !== 'win32')('hostile farm bundles', () => {
  it.each([
    ['manifest.json', 'a FIFO'],
    ['manifest.sig', 'a link to /dev/zero'],
    ['server.hsconf', 'a link to /dev/zero'],
  ])('%s as %s is refused at once and the front-end is left alone', async (name, what) => {
    const bundleDir = path.join(fs.mkdtempSync(path.join(scratch, 'usb-')), 'bundle');
    await exportFarmBundle({ installDir: server(), bundleDir, includePrivateKey: true, signingKey });
    fs.rmSync(path.join(bundleDir, name));
    if (what === 'a FIFO') execFileSync('mkfifo', [path.join(bundleDir, name)]);
    else fs.symlinkSync('/dev/zero', path.join(bundleDir, name));
    const frontEnd = server();
    const before = fs.readFileSync(path.join(frontEnd, 'server.hsconf'));
    const error = await importFarmBundle({
      bundleDir,
      installDir: frontEnd,
      expectedSigner: signingKey.fingerprint,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FarmBundleError);
    expect((error as Error).message).toMatch(/not a regular file/);
    expect(fs.readFileSync(path.join(frontEnd, 'server.hsconf')).equals(before)).toBe(true);
  });
});
