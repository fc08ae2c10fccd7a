import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exportFarmBundle,
  FarmBundleError,
  importFarmBundle,
} from '../../src/main/systems/outsystems/farm-bundle.js';
import { FIXTURES_DIR } from '../support/scripted-exec.js';

const HSCONF_DIR = path.join(FIXTURES_DIR, 'outsystems/hsconf');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'farm-bundle-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const fixture = (name: string) => fs.readFileSync(path.join(HSCONF_DIR, name));
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

function server(hsconf: string, key: string | null): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'server-'));
  fs.copyFileSync(path.join(HSCONF_DIR, hsconf), path.join(dir, 'server.hsconf'));
  if (key) fs.copyFileSync(path.join(HSCONF_DIR, key), path.join(dir, 'private.key'));
  return dir;
}

async function bundleFromController(includePrivateKey: boolean): Promise<string> {
  const bundleDir = path.join(fs.mkdtempSync(path.join(scratch, 'usb-')), 'bundle');
  await exportFarmBundle({
    installDir: server('sqlserver-bom-crlf.hsconf', 'private.key'),
    bundleDir,
    includePrivateKey,
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
      format: 'breakglass.outsystems.farm-bundle/1',
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
    });
    expect(modeOf(path.join(bundleDir, 'private.key'))).toBe(0o600);
    expect(modeOf(path.join(bundleDir, 'server.hsconf'))).toBe(0o600);
  });

  it("imports on a front-end: backs up the old files, then writes the bundle's byte for byte", async () => {
    const bundleDir = await bundleFromController(true);
    const frontEnd = server('oracle.hsconf', 'other-private.key');
    const imported = await importFarmBundle({
      bundleDir,
      installDir: frontEnd,
      expectedController: 'osctl01',
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
      expectedController: 'OSCTL01.corp.example',
    });
    expect(imported.written.map((file) => path.basename(file))).toEqual(['server.hsconf']);
  });

  const refusals: Array<[string, (bundleDir: string) => void, string, RegExp]> = [
    [
      'a tampered server.hsconf',
      (dir) => fs.appendFileSync(path.join(dir, 'server.hsconf'), ' '),
      'osctl01',
      /server.hsconf in the bundle does not match manifest.json/,
    ],
    [
      'a missing listed file',
      (dir) => fs.rmSync(path.join(dir, 'private.key')),
      'osctl01',
      /incomplete: private.key is listed .* but missing/,
    ],
    [
      'a bundle from another controller',
      () => undefined,
      'osctl02',
      /exported on "OSCTL01.corp.example", not on the expected controller "osctl02"/,
    ],
    [
      'a damaged manifest',
      (dir) => fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format":'),
      'osctl01',
      /not valid JSON/,
    ],
    [
      'a manifest of something else',
      (dir) => fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format":"other"}'),
      'osctl01',
      /not a farm bundle manifest \(format:/,
    ],
  ];
  it.each(refusals)(
    'refuses %s and changes nothing on the front-end',
    async (_label, damage, expectedController, message) => {
      const bundleDir = await bundleFromController(true);
      damage(bundleDir);
      const frontEnd = server('oracle.hsconf', 'other-private.key');
      const before = snapshot(frontEnd);
      const attempt = importFarmBundle({ bundleDir, installDir: frontEnd, expectedController });
      await expect(attempt).rejects.toBeInstanceOf(FarmBundleError);
      await expect(importFarmBundle({ bundleDir, installDir: frontEnd, expectedController })).rejects.toThrow(
        message,
      );
      expect(snapshot(frontEnd)).toEqual(before);
    },
  );

  it('refuses a bundle without private.key for a front-end whose key cannot decrypt it', async () => {
    const bundleDir = await bundleFromController(false);
    const frontEnd = server('oracle.hsconf', 'other-private.key');
    const before = snapshot(frontEnd);
    await expect(
      importFarmBundle({ bundleDir, installDir: frontEnd, expectedController: 'osctl01' }),
    ).rejects.toThrow(
      /does not decrypt with this server's private.key: this front-end needs the controller's private.key/,
    );
    expect(snapshot(frontEnd)).toEqual(before);
  });

  it('exports only into a new or empty folder', async () => {
    const bundleDir = fs.mkdtempSync(path.join(scratch, 'used-'));
    fs.writeFileSync(path.join(bundleDir, 'old.txt'), 'x');
    await expect(
      exportFarmBundle({
        installDir: server('sqlserver.hsconf', 'private.key'),
        bundleDir,
        includePrivateKey: false,
      }),
    ).rejects.toThrow(/is not empty\. Choose a new, empty folder/);
  });
});
