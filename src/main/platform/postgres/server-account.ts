import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PostgresUnavailable } from './binaries.js';

const run = promisify(execFile);

/** The account the server runs as: PostgreSQL refuses to run as root, so root uses `postgres`. */
export interface ServerAccount {
  uid: number;
  gid: number;
  /** True when the server runs as another user than this process (root → postgres). */
  switched: boolean;
}

export const SERVER_USER = 'postgres';

export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** This process's own account, or as root the `postgres` account (created as a system user if missing). */
export async function serverAccount(): Promise<ServerAccount> {
  if (!runningAsRoot()) {
    return { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1, switched: false };
  }
  const existing = await lookupAccount();
  if (existing) return existing;
  try {
    await run(
      'useradd',
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        SERVER_USER,
      ],
      { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } },
    );
  } catch {
    throw new PostgresUnavailable(
      `PostgreSQL cannot run as root and there is no '${SERVER_USER}' user to run it as; creating one with useradd failed. Create it (useradd --system --user-group ${SERVER_USER}) or run Breakglass as a normal user.`,
    );
  }
  const created = await lookupAccount();
  if (!created)
    throw new PostgresUnavailable(`The '${SERVER_USER}' user was created but cannot be looked up.`);
  return created;
}

async function lookupAccount(): Promise<ServerAccount | undefined> {
  try {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const [uid, gid] = await Promise.all([
      run('id', ['-u', SERVER_USER], { env }),
      run('id', ['-g', SERVER_USER], { env }),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), switched: true };
  } catch {
    return undefined;
  }
}
