import path from 'node:path';
import { PostgresUnavailable } from '../../platform/postgres/binaries.js';
import { startEmbeddedPostgres } from '../../platform/postgres/embedded-server.js';
import { ProcedureRefusal } from '../types.js';

/**
 * The sandbox's PostgreSQL server. BREAKGLASS_SANDBOX_PG_URL (an admin URL) points the sandbox at
 * an existing server instead (tests use the suite's shared one); otherwise the embedded server in
 * `<sandbox>/postgres` starts on first use (as root its data lives in a private runtime folder named
 * in `<sandbox>/postgres/runtime.json`, see platform/postgres/server-layout.ts). A server left
 * running by a killed process is taken over, so a crashed practice run can be resumed.
 */
export interface SandboxServer {
  adminUrl: string;
  /** True when the server is someone else's (BREAKGLASS_SANDBOX_PG_URL): databases get a per-data-dir suffix. */
  shared: boolean;
  stop(): Promise<void>;
}

export function sandboxServerHome(sandboxDir: string): string {
  return path.join(sandboxDir, 'postgres');
}

export async function startSandboxServer(sandboxDir: string): Promise<SandboxServer> {
  const sharedUrl = process.env.BREAKGLASS_SANDBOX_PG_URL;
  if (sharedUrl) return { adminUrl: sharedUrl, shared: true, stop: async () => undefined };
  let server;
  try {
    server = await startEmbeddedPostgres(sandboxServerHome(sandboxDir));
  } catch (error) {
    if (!(error instanceof PostgresUnavailable)) throw error;
    throw new ProcedureRefusal(
      `The practice sandbox cannot start its PostgreSQL server. ${error.message} (Or set BREAKGLASS_SANDBOX_PG_URL to the admin URL of an existing server.)`,
    );
  }
  return { adminUrl: server.adminUrl, shared: false, stop: () => server.stop() };
}
