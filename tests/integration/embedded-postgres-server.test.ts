/**
 * The embedded PostgreSQL launcher itself (platform/postgres/), which every user's first sandbox run
 * goes through: these start their own servers, beside the suite's shared one, on purpose.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  binariesIn,
  PostgresUnavailable,
  shippedPostgresBinaries,
} from '../../src/main/platform/postgres/binaries.js';
import { startEmbeddedPostgres } from '../../src/main/platform/postgres/embedded-server.js';
import { removeServerFiles } from '../../src/main/platform/postgres/server-layout.js';
import { runningAsRoot } from '../../src/main/platform/postgres/server-account.js';

const homes: string[] = [];
function freshHome(label: string): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), `bg-pg-${label}-`));
  const home = path.join(parent, 'postgres');
  homes.push(home);
  return home;
}
afterAll(() => {
  for (const home of homes) {
    removeServerFiles(home);
    fs.rmSync(path.dirname(home), { recursive: true, force: true });
  }
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

/** Small regular files at the top of the temp dir that hold `secret` (where the old launcher left it). */
function tmpFilesHolding(secret: string): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => {
    try {
      const file = path.join(os.tmpdir(), name);
      const stat = fs.lstatSync(file);
      return stat.isFile() && stat.size < 4096 && fs.readFileSync(file, 'utf8').includes(secret);
    } catch {
      return false;
    }
  });
}

describe('the embedded PostgreSQL server', () => {
  it('keeps its data across a restart, its password 0600 in its home, and no password file in the temp dir', async () => {
    const home = freshHome('restart');
    const first = await startEmbeddedPostgres(home);
    await query(first.adminUrl, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    await first.stop();
    const second = await startEmbeddedPostgres(home);
    try {
      expect(second.adopted).toBe(false);
      expect(await query(second.adminUrl, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    } finally {
      await second.stop();
    }
    const password = fs.readFileSync(path.join(home, 'admin-password'), 'utf8').trim();
    expect(decodeURIComponent(new URL(second.adminUrl).password)).toBe(password);
    expect(mode(path.join(home, 'admin-password'))).toBe(0o600);
    expect(mode(path.join(home, 'server.log'))).toBe(0o600);
    expect(mode(home)).toBe(0o700);
    expect(fs.readFileSync(path.join(home, 'server.log'), 'utf8')).not.toContain(password);
    expect(tmpFilesHolding(password)).toEqual([]);
    if (runningAsRoot()) {
      const runtime = path.dirname(second.dataDir);
      expect(JSON.parse(fs.readFileSync(path.join(home, 'runtime.json'), 'utf8'))).toEqual({ dir: runtime });
      expect(path.basename(runtime)).toMatch(/^breakglass-pg-/);
      expect(mode(runtime)).toBe(0o711);
      expect(fs.statSync(runtime).uid).toBe(0);
      expect(fs.statSync(second.dataDir).uid).not.toBe(0);
    } else {
      expect(second.dataDir).toBe(path.join(home, 'data'));
    }
  });

  it('takes over a server left running by a process killed with SIGKILL, and stops it', async () => {
    const home = freshHome('orphan');
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve('src/main/platform/postgres/embedded-server.ts'))};
const server = await startEmbeddedPostgres(${JSON.stringify(home)});
console.log('ready');
setInterval(() => undefined, 60_000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the starter exited (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const server = await startEmbeddedPostgres(home);
    const pid = Number(fs.readFileSync(path.join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(server.adopted).toBe(true);
    expect(await query(server.adminUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await server.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    const restarted = await startEmbeddedPostgres(home);
    expect(restarted.adopted).toBe(false);
    await restarted.stop();
  });

  it('explains a program that cannot be run, without crashing the process', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-pg-nobin-'));
    homes.push(path.join(empty, 'home'));
    const failure = startEmbeddedPostgres(path.join(empty, 'home'), { binaries: binariesIn(empty) });
    await expect(failure).rejects.toBeInstanceOf(PostgresUnavailable);
    await expect(failure).rejects.toThrow(
      /PostgreSQL cannot start: .*initdb cannot be run \(ENOENT\)\. Reinstall with npm ci\./,
    );
  });

  it.runIf(runningAsRoot())(
    'as root, runs programs kept in a folder the postgres user cannot enter (a checkout in a 0700 home)',
    async () => {
      const privateParent = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-pg-0700-'));
      homes.push(path.join(privateParent, 'home'));
      expect(mode(privateParent)).toBe(0o700);
      const shipped = await shippedPostgresBinaries();
      fs.cpSync(shipped.nativeDir, path.join(privateParent, 'native'), {
        recursive: true,
        verbatimSymlinks: true,
      });
      const server = await startEmbeddedPostgres(path.join(privateParent, 'home'), {
        binaries: binariesIn(path.join(privateParent, 'native')),
      });
      try {
        expect(await query(server.adminUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
        const copy = path.join(path.dirname(server.dataDir), 'native', 'bin', 'postgres');
        expect(fs.existsSync(copy)).toBe(true);
        expect(fs.statSync(copy).uid).toBe(0);
        expect(mode(path.dirname(copy)) & 0o022).toBe(0);
      } finally {
        await server.stop();
      }
    },
  );

  it.runIf(runningAsRoot())(
    'as root, with TMPDIR inside a 0700 home, keeps its runtime folder in the system temp dir instead',
    async () => {
      const privateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-pg-tmpdir-'));
      const privateTmp = path.join(privateHome, 'tmp');
      fs.mkdirSync(privateTmp);
      const home = path.join(privateHome, 'home');
      homes.push(home);
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = privateTmp;
      try {
        const server = await startEmbeddedPostgres(home);
        await server.stop();
        expect(path.dirname(path.dirname(server.dataDir))).toBe('/tmp');
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
    },
  );

  it.runIf(runningAsRoot())(
    'as root, never reuses a runtime folder that is a link or belongs to someone else, and changes nothing there',
    async () => {
      const home = freshHome('planted');
      const target = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-pg-target-'));
      fs.chmodSync(target, 0o700);
      const planted = path.join(os.tmpdir(), `breakglass-pg-planted-${process.pid}`);
      fs.symlinkSync(target, planted);
      fs.mkdirSync(home, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(home, 'runtime.json'), JSON.stringify({ dir: planted }), { mode: 0o600 });
      try {
        const server = await startEmbeddedPostgres(home);
        await server.stop();
        expect(path.dirname(server.dataDir)).not.toBe(planted);
        expect(mode(target)).toBe(0o700);
        expect(fs.readdirSync(target)).toEqual([]);
      } finally {
        fs.rmSync(planted, { force: true });
        fs.rmSync(target, { recursive: true, force: true });
      }
    },
  );
});
