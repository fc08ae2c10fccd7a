/**
 * kill -9 of the `breakglass` CLI at every step boundary and in the middle of every step of
 * practice.drill, then `breakglass resume`: each time the run completes and the sandbox ends
 * exactly as after an uninterrupted run (password row, config bytes, service state, journal).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { readRunJournal } from '../support/engine-harness.js';
import { describe, expect, inject, it } from 'vitest';
import { CONFIG_RELATIVE_PATH } from '../../src/main/systems/practice/app-config.js';
import { verifyPracticePassword } from '../../src/main/systems/practice/password-hash.js';
import { sandboxServerHome } from '../../src/main/engine/sandbox/sandbox-postgres.js';
import { startEmbeddedPostgres } from '../../src/main/platform/postgres/embedded-server.js';
import { removeServerFiles } from '../../src/main/platform/postgres/server-layout.js';
import { checkpointedCliCommand, runCliProcess } from '../support/cli-process.js';

const SECRET = 'Crash-Matrix-Pw-9!';
const STEPS = [
  'check-account',
  'check-service',
  'stop-app',
  'set-password',
  'switch-password-store',
  'start-app',
  'record-password',
  'verify-login',
];
const PHASES = ['before', 'during', 'after'] as const;
const PARALLEL = 2;

interface EndState {
  passwordSet: boolean;
  config: string;
  services: string;
  runState: string;
}

function scenario(label: string) {
  const root = fs.mkdtempSync(
    path.join(os.tmpdir(), `breakglass-crash-${label.replace(/[^a-z0-9]/gi, '-')}-`),
  );
  const input = path.join(root, 'in.json');
  fs.writeFileSync(input, JSON.stringify({ newPassword: { env: 'DRILL_SECRET' } }));
  const dataDir = path.join(root, 'data');
  const env = {
    DRILL_SECRET: SECRET,
    BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl'),
    BREAKGLASS_TEST_PAUSE_MARKER: path.join(root, 'paused'),
  };
  const runArgs = [
    '--data-dir',
    dataDir,
    'run',
    'practice.drill',
    '--input',
    input,
    '--sandbox',
    '--yes',
    '--done',
    'record-password',
  ];
  return { root, dataDir, env, runArgs, input };
}

async function endState(dataDir: string): Promise<EndState> {
  const runId = fs.readdirSync(path.join(dataDir, 'runs'))[0] as string;
  // readJournal throws if the chain does not verify.
  const entries = readRunJournal(path.join(dataDir, 'runs', runId, 'journal.jsonl'));
  const sandboxDir = path.join(dataDir, 'sandbox');
  // The sandbox's database on a shared server: sandbox_<system>_<hash of the sandbox dir>.
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/sandbox_practice_${createHash('sha256').update(path.resolve(sandboxDir)).digest('hex').slice(0, 10)}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const rows = await client.query<{ password_hash: string }>(
    "SELECT password_hash FROM practice_accounts WHERE name = 'drill-admin'",
  );
  await client.end();
  return {
    passwordSet: verifyPracticePassword(SECRET, rows.rows[0]?.password_hash ?? ''),
    config: fs
      .readFileSync(path.join(sandboxDir, 'files', 'practice', CONFIG_RELATIVE_PATH))
      .toString('base64'),
    services: fs.readFileSync(path.join(sandboxDir, 'services', 'practice.json'), 'utf8'),
    runState:
      entries.at(-1)?.type === 'run-finished'
        ? String((entries.at(-1)?.data as { state: string }).state)
        : 'unfinished',
  };
}

/** Starts the run paused at `point`, waits for its marker, and kills it with SIGKILL. */
async function crashAt(point: string, s: ReturnType<typeof scenario>): Promise<void> {
  const child = spawn(process.execPath, [...checkpointedCliCommand(), ...s.runArgs], {
    env: { ...process.env, ...s.env, BREAKGLASS_TEST_PAUSE: point },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let code: number | null | undefined;
  void exited.then((value) => (code = value));
  while (!fs.existsSync(s.env.BREAKGLASS_TEST_PAUSE_MARKER)) {
    if (code !== undefined)
      throw new Error(`The run ended (exit ${String(code)}) without reaching ${point}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited;
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

describe('crash matrix: kill -9 at every step boundary and mid-step, then resume', () => {
  it('resumes to the same end state as an uninterrupted run, every time', { timeout: 900_000 }, async () => {
    const baseline = scenario('baseline');
    const straight = await runCliProcess(baseline.runArgs, baseline.env);
    expect(straight.code, straight.stderr).toBe(0);
    const expected = await endState(baseline.dataDir);
    expect(expected).toMatchObject({ passwordSet: true, runState: 'succeeded' });

    const points = STEPS.flatMap((step) => PHASES.map((phase) => `${step}:${phase}`));
    const failures: string[] = [];
    await pool(points, PARALLEL, async (point) => {
      const s = scenario(point);
      try {
        await crashAt(point, s);
        const runId = fs.readdirSync(path.join(s.dataDir, 'runs'))[0] as string;
        const resumed = await runCliProcess(
          [
            '--data-dir',
            s.dataDir,
            'resume',
            runId,
            '--yes',
            '--done',
            'record-password',
            '--input',
            s.input,
          ],
          s.env,
        );
        if (resumed.code !== 0)
          throw new Error(
            `resume exit ${String(resumed.code)}: ${resumed.stderr}${resumed.stdout.slice(-400)}`,
          );
        const actual = await endState(s.dataDir);
        expect(actual).toEqual(expected);
      } catch (error) {
        failures.push(`${point}: ${(error as Error).message}`);
      }
    });
    console.log(
      `crash matrix: ${points.length} crash points tried (${STEPS.length} steps x ${PHASES.join('/')}), ${points.length - failures.length} resumed to the uninterrupted end state`,
    );
    expect(failures).toEqual([]);
  });

  it(
    'with the sandbox on its own PostgreSQL, the server the killed run left is taken over by resume',
    { timeout: 120_000 },
    async () => {
      const s = scenario('own-server');
      const ownServer = { ...s.env, BREAKGLASS_SANDBOX_PG_URL: '' };
      await crashAt('set-password:after', { ...s, env: ownServer });
      const home = sandboxServerHome(path.join(s.dataDir, 'sandbox'));
      const runtime = fs.existsSync(path.join(home, 'runtime.json'))
        ? (JSON.parse(fs.readFileSync(path.join(home, 'runtime.json'), 'utf8')) as { dir: string }).dir
        : home;
      const orphan = Number(
        fs.readFileSync(path.join(runtime, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      expect(() => process.kill(orphan, 0)).not.toThrow();
      try {
        const runId = fs.readdirSync(path.join(s.dataDir, 'runs'))[0] as string;
        const resumed = await runCliProcess(
          [
            '--data-dir',
            s.dataDir,
            'resume',
            runId,
            '--yes',
            '--done',
            'record-password',
            '--input',
            s.input,
          ],
          ownServer,
        );
        expect(resumed.code, resumed.stderr).toBe(0);
        // resume took the orphan over and stopped it when it ended
        expect(() => process.kill(orphan, 0)).toThrow();
        const server = await startEmbeddedPostgres(home);
        try {
          const client = new pg.Client({
            connectionString: server.adminUrl.replace(/\/postgres$/, '/sandbox_practice'),
          });
          await client.connect();
          const rows = await client.query<{ password_hash: string }>(
            "SELECT password_hash FROM practice_accounts WHERE name = 'drill-admin'",
          );
          await client.end();
          expect(verifyPracticePassword(SECRET, rows.rows[0]?.password_hash ?? '')).toBe(true);
        } finally {
          await server.stop();
        }
      } finally {
        removeServerFiles(home);
      }
    },
  );
});
