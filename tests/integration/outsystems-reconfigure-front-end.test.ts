// The practice sandbox's simulated front-end, the install outsystems.reconfigure-front-end works on.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  SANDBOX_FRONT_END,
  sandboxFrontEndInstallDir,
  sandboxMachineAddresses,
} from '../../src/main/systems/outsystems/front-end-sandbox.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
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
