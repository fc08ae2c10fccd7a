import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exportFarmBundle,
  FarmBundleError,
  importFarmBundle,
} from '../../src/main/systems/outsystems/farm-bundle.js';
import {
  loadOrCreateSigningKey,
  signBytes,
  type SigningKey,
} from '../../src/main/platform/secrets/signing-key.js';
import { FIXTURES_DIR } from '../support/scripted-exec.js';

const HSCONF_DIR = path.join(FIXTURES_DIR, 'outsystems/hsconf');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'farm-bundle-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const fixture = (name: string) => fs.readFileSync(path.join(HSCONF_DIR, name));
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const controllerKey = await loadOrCreateSigningKey(path.join(scratch, 'controller-keys', 'farm-signing.key'));
const otherControllerKey = await loadOrCreateSigningKey(path.join(scratch, 'other-keys', 'farm-signing.key'));

function server(hsconf: string, key: string | null): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'server-'));
  fs.copyFileSync(path.join(HSCONF_DIR, hsconf), path.join(dir, 'server.hsconf'));
  if (key) fs.copyFileSync(path.join(HSCONF_DIR, key), path.join(dir, 'private.key'));
  return dir;
}

async function bundleFromController(
  includePrivateKey: boolean,
  signingKey: SigningKey = controllerKey,
): Promise<string> {
  const bundleDir = path.join(fs.mkdtempSync(path.join(scratch, 'usb-')), 'bundle');
  await exportFarmBundle({
    installDir: server('sqlserver-bom-crlf.hsconf', 'private.key'),
    bundleDir,
    includePrivateKey,
    signingKey,
    controllerHost: 'OSCTL01.corp.example',
    platformVersion: '11.18.1.37828',
    now: new Date('2024-05-14T09:00:00Z'),
  });
  return bundleDir;
}

/** Every file of a folder with its bytes, to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name)).toString('base64')]),
  );
}

describe('farm bundle', () => {
  it('exports server.hsconf and private.key (0600, marked secret) with a manifest of hashes', async () => {
    const bundleDir = await bundleFromController(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8'));
    const sha = (name: string) => createHash('sha256').update(fixture(name)).digest('hex');
    expect(manifest).toEqual({
      format: 'breakglass.outsystems.farm-bundle/2',
      controllerHost: 'OSCTL01.corp.example',
      createdAt: '2024-05-14T09:00:00.000Z',
      platformVersion: '11.18.1.37828',
      warning: expect.stringMatching(/^SECRET: this bundle holds private.key/),
      files: [
        {
          name: 'server.hsconf',
          sha256: sha('sqlserver-bom-crlf.hsconf'),
          bytes: fixture('sqlserver-bom-crlf.hsconf').length,
          secret: true,
        },
        {
          name: 'private.key',
          sha256: sha('private.key'),
          bytes: fixture('private.key').length,
          secret: true,
        },
      ],
      signer: {
        publicKey: controllerKey.publicKey.toString('base64'),
        fingerprint: controllerKey.fingerprint,
      },
    });
    expect(controllerKey.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(modeOf(path.join(scratch, 'controller-keys', 'farm-signing.key'))).toBe(0o600);
    expect(modeOf(path.join(bundleDir, 'private.key'))).toBe(0o600);
    expect(modeOf(path.join(bundleDir, 'server.hsconf'))).toBe(0o600);
  });

  it("imports on a front-end: backs up the old files, then writes the bundle's byte for byte", async () => {
    const bundleDir = await bundleFromController(true);
    const frontEnd = server('oracle.hsconf', 'other-private.key');
    const imported = await importFarmBundle({
      bundleDir,
      installDir: frontEnd,
      expectedSigner: controllerKey.fingerprint,
    });
    expect(
      fs.readFileSync(path.join(frontEnd, 'server.hsconf')).equals(fixture('sqlserver-bom-crlf.hsconf')),
    ).toBe(true);
    expect(fs.readFileSync(path.join(frontEnd, 'private.key')).equals(fixture('private.key'))).toBe(true);
    expect(imported.written.map((file) => path.basename(file))).toEqual(['server.hsconf', 'private.key']);
    expect(imported.backups.map((file) => fs.readFileSync(file))).toEqual([
      fixture('oracle.hsconf'),
      fixture('other-private.key'),
    ]);
  });

  it("imports without private.key when the front-end already has the controller's key", async () => {
    const bundleDir = await bundleFromController(false);
    const frontEnd = server('oracle.hsconf', 'private.key');
    const imported = await importFarmBundle({
      bundleDir,
      installDir: frontEnd,
      expectedSigner: controllerKey.fingerprint,
    });
    expect(imported.written.map((file) => path.basename(file))).toEqual(['server.hsconf']);
  });

  const edit = (dir: string, change: (manifest: Record<string, unknown>) => void) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    change(manifest);
    fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  };
  /** What someone who can write the folder can do: change a file, fix the manifest, sign it with their own key. */
  const reSignWith = (dir: string, key: SigningKey) => {
    fs.appendFileSync(path.join(dir, 'server.hsconf'), ' ');
    const bytes = fs.readFileSync(path.join(dir, 'server.hsconf'));
    edit(dir, (manifest) => {
      const files = manifest.files as Array<{ name: string; sha256: string; bytes: number }>;
      const hsconf = files.find((file) => file.name === 'server.hsconf');
      if (hsconf)
        Object.assign(hsconf, {
          sha256: createHash('sha256').update(bytes).digest('hex'),
          bytes: bytes.length,
        });
      manifest.signer = { publicKey: key.publicKey.toString('base64'), fingerprint: key.fingerprint };
    });
    const signed = signBytes(key, fs.readFileSync(path.join(dir, 'manifest.json')));
    fs.writeFileSync(path.join(dir, 'manifest.sig'), signed.toString('base64'));
  };
  const refusals: Array<[string, (bundleDir: string) => void, RegExp]> = [
    [
      'a tampered server.hsconf',
      (dir) => fs.appendFileSync(path.join(dir, 'server.hsconf'), ' '),
      /server.hsconf in the bundle does not match manifest.json/,
    ],
    [
      'a truncated server.hsconf',
      (dir) => fs.truncateSync(path.join(dir, 'server.hsconf'), 40),
      /server.hsconf in the bundle does not match manifest.json/,
    ],
    [
      'a missing listed file',
      (dir) => fs.rmSync(path.join(dir, 'private.key')),
      /incomplete: private.key is listed .* but missing/,
    ],
    [
      'an edited manifest (not re-signed)',
      (dir) => edit(dir, (manifest) => (manifest.controllerHost = 'OSCTL01.corp.example.')),
      /manifest.json does not match its signature/,
    ],
    [
      'a bundle re-signed with another key after an edit',
      (dir) => reSignWith(dir, otherControllerKey),
      /signed by SHA256:.* \(exported on "OSCTL01.corp.example"\), not by the expected controller SHA256:/,
    ],
    [
      'a missing signature',
      (dir) => fs.rmSync(path.join(dir, 'manifest.sig')),
      /no manifest.sig: it was copied incompletely/,
    ],
    [
      'a damaged manifest',
      (dir) => fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format":'),
      /not valid JSON/,
    ],
    [
      'a manifest of something else',
      (dir) => fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format":"other"}'),
      /not a farm bundle manifest \(format:/,
    ],
  ];
  it.each(refusals)('refuses %s and changes nothing on the front-end', async (_label, damage, message) => {
    const bundleDir = await bundleFromController(true);
    damage(bundleDir);
    const frontEnd = server('oracle.hsconf', 'other-private.key');
    const before = snapshot(frontEnd);
    const expectedSigner = controllerKey.fingerprint;
    const attempt = importFarmBundle({ bundleDir, installDir: frontEnd, expectedSigner });
    await expect(attempt).rejects.toBeInstanceOf(FarmBundleError);
    await expect(importFarmBundle({ bundleDir, installDir: frontEnd, expectedSigner })).rejects.toThrow(
      message,
    );
    expect(snapshot(frontEnd)).toEqual(before);
  });

  it('refuses a bundle without private.key for a front-end whose key cannot decrypt it', async () => {
    const bundleDir = await bundleFromController(false);
    const frontEnd = server('oracle.hsconf', 'other-private.key');
    const before = snapshot(frontEnd);
    await expect(
      importFarmBundle({ bundleDir, installDir: frontEnd, expectedSigner: controllerKey.fingerprint }),
    ).rejects.toThrow(
      /does not decrypt with this server's private.key: this front-end needs the controller's private.key/,
    );
    expect(snapshot(frontEnd)).toEqual(before);
  });

  it('a bundle from another controller (its own key) is refused by fingerprint', async () => {
    const bundleDir = await bundleFromController(true, otherControllerKey);
    const frontEnd = server('oracle.hsconf', 'other-private.key');
    const before = snapshot(frontEnd);
    await expect(
      importFarmBundle({ bundleDir, installDir: frontEnd, expectedSigner: controllerKey.fingerprint }),
    ).rejects.toThrow(`signed by ${otherControllerKey.fingerprint}`);
    expect(snapshot(frontEnd)).toEqual(before);
  });

  it('the signature verifies with OpenSSL, an independent Ed25519 implementation', async () => {
    const bundleDir = await bundleFromController(false);
    const pem = createPublicKey({ key: controllerKey.publicKey, format: 'der', type: 'spki' }).export({
      type: 'spki',
      format: 'pem',
    });
    fs.writeFileSync(path.join(scratch, 'signer.pem'), pem);
    const signature = Buffer.from(
      fs.readFileSync(path.join(bundleDir, 'manifest.sig'), 'utf8').trim(),
      'base64',
    );
    fs.writeFileSync(path.join(scratch, 'manifest.sig.bin'), signature);
    const verify = (file: string) =>
      execFileSync(
        'openssl',
        [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          path.join(scratch, 'signer.pem'),
          '-rawin',
          '-in',
          file,
          '-sigfile',
          path.join(scratch, 'manifest.sig.bin'),
        ],
        { encoding: 'utf8' },
      );
    expect(verify(path.join(bundleDir, 'manifest.json'))).toMatch(/Signature Verified Successfully/);
    fs.writeFileSync(
      path.join(scratch, 'edited.json'),
      fs.readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8').replace('OSCTL01', 'OSCTL02'),
    );
    expect(() => verify(path.join(scratch, 'edited.json'))).toThrow();
  });

  it('exports only into a new or empty folder', async () => {
    const bundleDir = fs.mkdtempSync(path.join(scratch, 'used-'));
    fs.writeFileSync(path.join(bundleDir, 'old.txt'), 'x');
    await expect(
      exportFarmBundle({
        installDir: server('sqlserver.hsconf', 'private.key'),
        bundleDir,
        includePrivateKey: false,
        signingKey: controllerKey,
      }),
    ).rejects.toThrow(/is not empty\. Choose a new, empty folder/);
  });
});
