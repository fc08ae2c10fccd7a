import fs from 'node:fs';
import path from 'node:path';
import { loadEmbeddedPostgres } from '../../src/main/engine/sandbox/load-embedded-postgres.js';
import { freePort } from '../../src/main/platform/net/free-port.js';

export interface EmbeddedPostgresHandle {
  adminUrl: string;
  stop(): Promise<void>;
}

/** Starts one throw-away PostgreSQL server in `parentDir` (which must be world-writable when run as root). */
export async function startEmbeddedPostgres(parentDir: string): Promise<EmbeddedPostgresHandle> {
  const port = await freePort();
  const password = `pg-${Math.random().toString(36).slice(2)}`;
  const databaseDir = path.join(parentDir, 'pgdata');
  fs.mkdirSync(parentDir, { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password,
    port,
    persistent: false,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}
