import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/main/platform/postgres/embedded-server.js';
import { removeServerFiles } from '../../src/main/platform/postgres/server-layout.js';

export interface EmbeddedPostgresHandle {
  adminUrl: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** Starts the suite's throw-away PostgreSQL server, its files under `parentDir`. */
export async function startSuitePostgres(parentDir: string): Promise<EmbeddedPostgresHandle> {
  const home = path.join(parentDir, 'postgres');
  const server = await startEmbeddedPostgres(home);
  return {
    adminUrl: server.adminUrl,
    stop: async () => {
      await server.stop();
      removeServerFiles(home);
    },
  };
}
