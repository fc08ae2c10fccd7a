// localHost(): this machine as a HostAccess — its files through the bounded reader and atomic
// writes, its reachable IPv4 addresses, and database logins made from here (real PostgreSQL).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDbConnector } from '../../src/main/platform/db/connector.js';
import { localHost, machineIpv4Addresses } from '../../src/main/platform/hosts/local-host.js';
import { NodeExec } from '../../src/main/platform/exec/node-exec.js';
import { SimulatedServiceController } from '../../src/main/platform/services/simulated.js';
import { dbSettingsFromUrl } from '../support/db-url.js';
import { createTestDatabase } from '../support/pg.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'local-host-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const iface = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) =>
  ({
    address,
    family,
    internal,
    netmask: '',
    mac: '00:00:00:00:00:00',
    cidr: null,
  }) as os.NetworkInterfaceInfo;
const interfaces = () => ({
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  eth0: [iface('10.20.30.41', 'IPv4', false), iface('fe80::1', 'IPv6', false)],
  eth1: [iface('192.168.7.5', 'IPv4', false)],
});

function host() {
  return localHost({
    name: 'FE01',
    exec: new NodeExec(),
    services: new SimulatedServiceController(path.join(scratch, 'services.json')),
    db: createDbConnector(),
    networkInterfaces: interfaces,
  });
}

describe('localHost', () => {
  it("lists this machine's reachable IPv4 addresses: loopback and IPv6 left out", async () => {
    expect(await host().addresses()).toEqual(['10.20.30.41', '192.168.7.5']);
    expect(machineIpv4Addresses(interfaces)).toEqual(['10.20.30.41', '192.168.7.5']);
    expect(machineIpv4Addresses()).not.toContain('127.0.0.1');
  });

  it('reads a regular file within its bound, undefined when missing, refuses a folder or a too-big file', async () => {
    const file = path.join(scratch, 'server.hsconf');
    await host().files.write(file, Buffer.from('<EnvironmentConfiguration/>'), { mode: 0o600 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect((await host().files.read(file, 1000))?.toString()).toBe('<EnvironmentConfiguration/>');
    expect(await host().files.read(path.join(scratch, 'absent'), 1000)).toBeUndefined();
    await expect(host().files.read(scratch, 1000)).rejects.toThrow();
    await expect(host().files.read(file, 4)).rejects.toThrow();
  });

  it('tests a database login from here: connects, then closes; a wrong password is the classified failure', async () => {
    const settings = dbSettingsFromUrl(await createTestDatabase('local_host'));
    await expect(host().testDatabaseLogin(settings)).resolves.toBeUndefined();
    await expect(host().testDatabaseLogin({ ...settings, password: 'not-the-password' })).rejects.toThrow();
  });
});
