// Real drivers against real sockets: a closed port, a port that never answers, and a wrong password / database on
// the embedded PostgreSQL, each classified with a message that names the target and never the password.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDbConnector } from '../../src/main/platform/db/connector.js';
import { parsePostgresUrl } from '../../src/main/platform/db/postgres-conninfo.js';
import type { DbSettings, Dialect } from '../../src/main/platform/db/types.js';
import { freePort } from '../../src/main/platform/net/free-port.js';

const PASSWORD = 'Wr0ng-Pa55word-For-Test';
const connector = createDbConnector();
let silent: net.Server;
let silentPort: number;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  silent = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

function settingsFor(dialect: Dialect, port: number): DbSettings {
  return {
    dialect,
    host: '127.0.0.1',
    port,
    database: 'db',
    serviceName: 'SVC',
    authentication: 'sql',
    user: 'u',
    password: PASSWORD,
    connectTimeoutMs: 1500,
  };
}

describe.each(['postgres', 'mssql', 'oracle'] as const)('%s driver', (dialect) => {
  it('classifies a closed port as unreachable', async () => {
    const result = await connector.test(settingsFor(dialect, await freePort()));
    expect(result).toMatchObject({ ok: false, kind: 'unreachable' });
    if (!result.ok) {
      expect(result.message).toContain('127.0.0.1');
      expect(result.message).not.toContain(PASSWORD);
    }
  });

  it('classifies a server that never answers as a timeout, within the bound', async () => {
    const started = Date.now();
    const result = await connector.test(settingsFor(dialect, silentPort));
    expect(result).toMatchObject({ ok: false, kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('PostgreSQL login failures', () => {
  it('wrong password → login-failed; missing database → database-missing; right settings → ok with the version', async () => {
    const admin = parsePostgresUrl(inject('pgAdminUrl'));
    const wrong = await connector.test({ ...admin, password: PASSWORD });
    expect(wrong).toMatchObject({ ok: false, kind: 'login-failed' });
    if (!wrong.ok) expect(wrong.message).not.toContain(PASSWORD);
    expect(await connector.test({ ...admin, database: 'no_such_database_here' })).toMatchObject({
      ok: false,
      kind: 'database-missing',
    });
    const ok = await connector.test(admin);
    expect(ok).toMatchObject({ ok: true });
    if (ok.ok) expect(ok.serverVersion).toMatch(/^PostgreSQL \d+/);
  });

  it('TLS required against a server without TLS → tls', async () => {
    const admin = parsePostgresUrl(inject('pgAdminUrl'));
    expect(
      await connector.test({ ...admin, tls: { enabled: true, trustServerCertificate: true } }),
    ).toMatchObject({ ok: false, kind: 'tls' });
  });
});
