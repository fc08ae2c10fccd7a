// The practice sandbox's simulated front-end, the install outsystems.reconfigure-front-end works on.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  SANDBOX_FRONT_END,
  sandboxFrontEndInstallDir,
  sandboxFrontEnds,
  sandboxMachineAddresses,
} from '../../src/main/systems/outsystems/front-end-sandbox.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { checkFrontEndBundle } from '../../src/main/systems/outsystems/front-end-bundle-check.js';
import { exportFarmBundle } from '../../src/main/systems/outsystems/farm-bundle.js';
import { loadOrCreateSigningKey } from '../../src/main/platform/secrets/signing-key.js';
import { practiceEngines } from '../support/engine-harness.js';

const { fresh: engine } = practiceEngines('front-end-');

describe('the sandbox front-end', () => {
  it('has its own install with the controller private.key, the old settings, its own IP and its OSSYS_SERVER row', async () => {
    const e = engine('seed');
    const url = await e.sandbox.databaseUrl(e.registry.system('outsystems'));
    const root = e.sandbox.filesRoot('outsystems');
    const controller = path.join(root, 'Platform Server');
    const frontEnd = sandboxFrontEndInstallDir(root, SANDBOX_FRONT_END.name);
    expect(frontEnd).toBe(path.join(root, 'front-ends', 'SANDBOX-FE01', 'Platform Server'));
    expect(fs.readFileSync(path.join(frontEnd, 'private.key'))).toEqual(
      fs.readFileSync(path.join(controller, 'private.key')),
    );
    expect(fs.statSync(path.join(frontEnd, 'server.hsconf')).mode & 0o777).toBe(0o600);
    const ours = HsConf.parse(fs.readFileSync(path.join(frontEnd, 'server.hsconf')));
    const theirs = HsConf.parse(fs.readFileSync(path.join(controller, 'server.hsconf')));
    expect(ours.get('NetworkConfiguration', 'OutgoingIPAddress')?.value).toBe('10.0.0.21');
    expect(ours.get('PlatformDatabaseConfiguration', 'RuntimePassword')?.value).toBe(
      theirs.get('PlatformDatabaseConfiguration', 'RuntimePassword')?.value,
    );
    // Only the IP differs from the controller's file, byte for byte elsewhere.
    expect(ours.toString().replace('10.0.0.21', '')).toBe(theirs.toString());
    expect(sandboxMachineAddresses(frontEnd)).toContain('10.0.0.21');
    expect(sandboxFrontEnds(root)).toEqual([
      {
        name: 'SANDBOX-FE01',
        installDir: frontEnd,
        addresses: ['10.0.0.21', '127.0.0.1'],
        secondHopFails: false,
      },
    ]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = await client.query('SELECT ip_address, is_active FROM ossys_server WHERE name = $1', [
        SANDBOX_FRONT_END.name,
      ]);
      expect(rows.rows).toEqual([{ ip_address: '10.0.0.21', is_active: true }]);
    } finally {
      await client.end();
    }
  });
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'front-end-bundle-'));
const controllerKey = await loadOrCreateSigningKey(path.join(scratch, 'controller', 'farm-signing.key'));
const otherKey = await loadOrCreateSigningKey(path.join(scratch, 'other', 'farm-signing.key'));

/** Every file under a folder with its bytes: "nothing changed" is this, equal before and after. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = fs.readFileSync(file).toString('base64');
  }
  return files;
}

describe("a front-end's checks on the controller's bundle", () => {
  const e = engine('bundle');
  let counter = 0;
  const setUp = async (options: { includePrivateKey?: boolean; signer?: typeof controllerKey } = {}) => {
    await e.sandbox.databaseUrl(e.registry.system('outsystems'));
    const root = e.sandbox.filesRoot('outsystems');
    const bundleDir = path.join(scratch, `bundle-${++counter}`);
    await exportFarmBundle({
      installDir: path.join(root, 'Platform Server'),
      bundleDir,
      includePrivateKey: options.includePrivateKey ?? false,
      signingKey: options.signer ?? controllerKey,
      controllerHost: 'SANDBOX-CTRL',
    });
    const installDir = sandboxFrontEndInstallDir(root, SANDBOX_FRONT_END.name);
    const check = (overrides: { localIp?: string; machineAddresses?: string[] } = {}) =>
      checkFrontEndBundle({
        bundleDir,
        expectedSigner: controllerKey.fingerprint,
        installDir,
        machineAddresses: overrides.machineAddresses ?? sandboxMachineAddresses(installDir),
        ...(overrides.localIp === undefined ? {} : { localIp: overrides.localIp }),
      });
    return { root, bundleDir, installDir, check };
  };

  it("accepts the controller's bundle and keeps this server's own Local IP, the rest byte for byte", async () => {
    const { root, installDir, check } = await setUp({ includePrivateKey: true });
    const before = tree(installDir);
    const checked = await check();
    expect(checked.outgoingIp).toBe('10.0.0.21');
    const controllerBytes = fs.readFileSync(path.join(root, 'Platform Server', 'server.hsconf')).toString();
    expect(checked.hsconf.toString().replace('10.0.0.21', '')).toBe(controllerBytes);
    expect((await check({ localIp: '' })).hsconf.toString()).toBe(controllerBytes);
    expect(tree(installDir)).toEqual(before);
  });

  it('refuses, naming the cause and changing nothing: another controller, tampered, truncated, wrong private.key, foreign IP', async () => {
    const { bundleDir, installDir, check } = await setUp();
    const before = tree(installDir);
    const refusals: Array<[string, () => Promise<unknown>, RegExp]> = [];

    const other = await setUp({ signer: otherKey });
    refusals.push(['other controller', () => other.check(), /not by the expected controller/]);

    refusals.push([
      'foreign IP',
      () => check({ localIp: '192.0.2.77' }),
      /192\.0\.2\.77 is not an address of this machine.*automatic \(empty\) or one of: 10\.0\.0\.21, 127\.0\.0\.1/,
    ]);
    refusals.push([
      'stale IP on this server, another machine',
      () => check({ machineAddresses: ['10.0.0.99'] }),
      /10\.0\.0\.21 is not an address of this machine.*one of: 10\.0\.0\.99/,
    ]);

    const tampered = await setUp();
    const hsconfFile = path.join(tampered.bundleDir, 'server.hsconf');
    fs.writeFileSync(hsconfFile, fs.readFileSync(hsconfFile, 'utf8').replace('OSADMIN', 'OSADMIM'));
    refusals.push([
      'tampered',
      () => tampered.check(),
      /server\.hsconf in the bundle does not match manifest\.json/,
    ]);

    const truncated = await setUp();
    const manifestFile = path.join(truncated.bundleDir, 'manifest.json');
    fs.writeFileSync(manifestFile, fs.readFileSync(manifestFile).subarray(0, 40));
    refusals.push(['truncated', () => truncated.check(), /manifest\.json .*not valid JSON/]);

    const withKey = await setUp({ includePrivateKey: true });
    const foreignKey = `-- another farm\r\n\r\n${randomBytes(16).toString('base64')}\r\n`;
    refusals.push([
      'wrong private.key (bundle carries one)',
      async () => {
        const keyFile = path.join(withKey.installDir, 'private.key');
        const original = fs.readFileSync(keyFile);
        fs.writeFileSync(keyFile, foreignKey);
        try {
          await withKey.check();
        } finally {
          fs.writeFileSync(keyFile, original);
        }
      },
      /bundle's private\.key is not this server's/,
    ]);
    refusals.push([
      'wrong private.key (bundle without one)',
      async () => {
        const keyFile = path.join(installDir, 'private.key');
        const original = fs.readFileSync(keyFile);
        fs.writeFileSync(keyFile, foreignKey);
        try {
          await check();
        } finally {
          fs.writeFileSync(keyFile, original);
        }
      },
      /does not decrypt with this server's private\.key/,
    ]);

    for (const [label, run, message] of refusals) {
      await expect(run(), label).rejects.toThrow(message);
      expect(tree(installDir), label).toEqual(before);
    }
    expect(fs.existsSync(bundleDir)).toBe(true);
  });
});
