import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { freePort } from '../../platform/net/free-port.js';
import { loadEmbeddedPostgres } from './load-embedded-postgres.js';

/**
 * The sandbox's PostgreSQL server. BREAKGLASS_SANDBOX_PG_URL (an admin URL) points the sandbox at
 * an existing server instead (tests use the suite's shared one); otherwise an embedded PostgreSQL
 * is started on demand on a free 127.0.0.1 port and stopped by `stop()`. Its data persists
 * between runs. As root the server runs as the `postgres` user, which cannot enter a 0700 data
 * dir, so it then lives under a world-writable temp directory instead of `<sandbox>/pg`.
 */
export interface SandboxServer {
  adminUrl: string;
  /** True when the server is someone else's (BREAKGLASS_SANDBOX_PG_URL): databases get a per-data-dir suffix. */
  shared: boolean;
  stop(): Promise<void>;
}

export async function startSandboxServer(sandboxDir: string): Promise<SandboxServer> {
  const sharedUrl = process.env.BREAKGLASS_SANDBOX_PG_URL;
  if (sharedUrl) return { adminUrl: sharedUrl, shared: true, stop: async () => undefined };
  fs.mkdirSync(sandboxDir, { recursive: true, mode: 0o700 });
  const credentialsPath = path.join(sandboxDir, 'pg-admin.json');
  const databaseDir = serverDataDir(sandboxDir);
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  let password: string;
  if (fresh || !fs.existsSync(credentialsPath)) {
    fs.rmSync(databaseDir, { recursive: true, force: true });
    password = randomBytes(18).toString('base64url');
    await writeFileAtomic(credentialsPath, JSON.stringify({ password }), { mode: 0o600 });
  } else {
    password = (JSON.parse(fs.readFileSync(credentialsPath, 'utf8')) as { password: string }).password;
  }
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    createPostgresUser: isRoot(),
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (fresh || !fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch {
    throw new Error(
      `The practice sandbox's PostgreSQL did not start (data in ${databaseDir}). Reset the sandbox, or set BREAKGLASS_SANDBOX_PG_URL to an existing server.`,
    );
  }
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    shared: false,
    stop: () => server.stop(),
  };
}

/** Where the server's files live: `<sandbox>/pg`, or as root a world-reachable temp dir named after it. */
export function serverDataDir(sandboxDir: string): string {
  if (!isRoot()) return path.join(sandboxDir, 'pg');
  const parent = path.join(
    os.tmpdir(),
    `breakglass-sandbox-${createHash('sha256').update(path.resolve(sandboxDir)).digest('hex').slice(0, 12)}`,
  );
  fs.mkdirSync(parent, { recursive: true });
  fs.chmodSync(parent, 0o777);
  return path.join(parent, 'pg');
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
