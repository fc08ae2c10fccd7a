import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binariesIn, PostgresUnavailable, type PostgresBinaries } from './binaries.js';
import { SERVER_USER, type ServerAccount } from './server-account.js';
import { isHiddenFromChildren } from '../exec/child-env.js';

/**
 * Where one embedded server's files live. `home` is a folder of this process's own (0700): it keeps
 * the admin password and the log. The data folder and the programs must be reachable by the account
 * the server runs as; for a normal user that is `home/data` and the shipped programs in place. As
 * root the server runs as `postgres`, which cannot enter root's folders (a 0700 home, a checkout in
 * /root), so the data and, when needed, a copy of the programs go into a private runtime folder:
 * random name under the temp dir, owned by root, mode 0711 (enterable, not listable, not writable by
 * others), recorded in `home/runtime.json` so the next start finds the same data.
 */
export interface ServerLayout {
  dataDir: string;
  binaries: PostgresBinaries;
  logFile: string;
  passwordFile: string;
  /** Folder for the transient initdb password file, readable by the server account only. */
  initScratchDir: string;
  /** The private runtime folder (root only). */
  runtimeDir?: string;
}

const SERVER_ENV_KEYS = ['PATH', 'SYSTEMROOT', 'WINDIR', 'TEMP', 'TMP'] as const;

/** The environment the server's programs get: nothing of this process's but what they need to run, never a secret variable. */
export function serverEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
  for (const key of SERVER_ENV_KEYS)
    if (process.env[key] !== undefined && !isHiddenFromChildren(key)) env[key] = process.env[key];
  return env;
}

export async function prepareLayout(
  home: string,
  shipped: PostgresBinaries,
  account: ServerAccount,
): Promise<ServerLayout> {
  assertPresent(shipped);
  ensureOwnPrivateDir(home);
  const own = {
    logFile: path.join(home, 'server.log'),
    passwordFile: path.join(home, 'admin-password'),
  };
  if (!account.switched) {
    return { ...own, dataDir: path.join(home, 'data'), binaries: shipped, initScratchDir: home };
  }
  const runtimeDir = reusableRuntimeDir(home, account) ?? createRuntimeDir(home);
  const binaries = (await reachableBy(shipped, account))
    ? shipped
    : await copiedBinaries(shipped, runtimeDir, account);
  return { ...own, dataDir: path.join(runtimeDir, 'data'), binaries, initScratchDir: runtimeDir, runtimeDir };
}

/** Removes the server's data, its runtime folder and its files in `home`. The server must be stopped. */
export function removeServerFiles(home: string): void {
  const runtimeDir = recordedRuntimeDir(home);
  if (runtimeDir && isOurRuntimeDir(runtimeDir)) fs.rmSync(runtimeDir, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
}

function assertPresent(binaries: PostgresBinaries): void {
  for (const program of [binaries.initdb, binaries.postgres]) {
    try {
      fs.accessSync(program, fs.constants.X_OK);
    } catch (error) {
      throw new PostgresUnavailable(
        `PostgreSQL cannot start: ${program} cannot be run (${(error as NodeJS.ErrnoException).code ?? 'error'}). Reinstall with npm ci.`,
      );
    }
  }
}

function ensureOwnPrivateDir(dir: string): void {
  let stat: fs.Stats | undefined;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    stat = fs.lstatSync(dir);
  } catch {
    // reported below
  }
  if (!stat?.isDirectory() || stat.isSymbolicLink()) {
    throw new PostgresUnavailable(`${dir} must be a folder, not a link.`);
  }
  if (process.platform !== 'win32' && stat.uid !== process.getuid?.()) {
    throw new PostgresUnavailable(`${dir} belongs to another user; refusing to keep a database there.`);
  }
}

function runtimeRecord(home: string): string {
  return path.join(home, 'runtime.json');
}

function recordedRuntimeDir(home: string): string | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(runtimeRecord(home), 'utf8')) as { dir?: unknown };
    return typeof record.dir === 'string' && path.isAbsolute(record.dir) ? record.dir : undefined;
  } catch {
    return undefined;
  }
}

/** A runtime folder is ours when it is a real folder owned by root that nobody else can write to. */
function isOurRuntimeDir(dir: string): boolean {
  try {
    const stat = fs.lstatSync(dir);
    return (
      stat.isDirectory() &&
      !stat.isSymbolicLink() &&
      stat.uid === 0 &&
      (stat.mode & 0o022) === 0 &&
      path.basename(dir).startsWith('breakglass-pg-')
    );
  } catch {
    return false;
  }
}

function reusableRuntimeDir(home: string, account: ServerAccount): string | undefined {
  const dir = recordedRuntimeDir(home);
  if (!dir || !isOurRuntimeDir(dir)) return undefined;
  const data = path.join(dir, 'data');
  try {
    const stat = fs.lstatSync(data);
    if (!stat.isDirectory() || stat.isSymbolicLink() || stat.uid !== account.uid) return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  return dir;
}

/** The temp dir, or where TMPDIR points into a private folder (a 0700 home), the system's /tmp. */
function runtimeParent(): string {
  const candidates = [os.tmpdir(), '/tmp', '/var/tmp'];
  return candidates.find(enterableByOthers) ?? os.tmpdir();
}

function enterableByOthers(dir: string): boolean {
  try {
    for (let current = path.resolve(dir); ; current = path.dirname(current)) {
      if ((fs.statSync(current).mode & 0o001) === 0) return false;
      if (path.dirname(current) === current) return true;
    }
  } catch {
    return false;
  }
}

function createRuntimeDir(home: string): string {
  const dir = fs.mkdtempSync(path.join(runtimeParent(), 'breakglass-pg-'));
  // fchmod on the folder mkdtemp just made: no path lookup that a planted link could redirect.
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fchmodSync(fd, 0o711);
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(runtimeRecord(home), JSON.stringify({ dir }) + '\n', { mode: 0o600 });
  return dir;
}

/** True when the server account can run the programs where they are (every parent enterable). */
function reachableBy(binaries: PostgresBinaries, account: ServerAccount): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(binaries.initdb, ['--version'], {
      uid: account.uid,
      gid: account.gid,
      env: serverEnvironment(),
      stdio: 'ignore',
    });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

async function copiedBinaries(
  shipped: PostgresBinaries,
  runtimeDir: string,
  account: ServerAccount,
): Promise<PostgresBinaries> {
  const target = path.join(runtimeDir, 'native');
  const copy = binariesIn(target);
  if (!sameFile(shipped.postgres, copy.postgres)) {
    const staging = `${target}.partial-${randomBytes(4).toString('hex')}`;
    fs.cpSync(shipped.nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
  }
  if (!(await reachableBy(copy, account))) {
    throw new PostgresUnavailable(
      `The '${SERVER_USER}' user cannot run PostgreSQL from ${target}. Its folder must be enterable by other users: set TMPDIR to one that is.`,
    );
  }
  return copy;
}

function sameFile(a: string, b: string): boolean {
  try {
    return fs.statSync(a).size === fs.statSync(b).size;
  } catch {
    return false;
  }
}
