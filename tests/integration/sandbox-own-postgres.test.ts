/**
 * The branch every user takes on first launch: the practice sandbox on its own embedded PostgreSQL
 * (no BREAKGLASS_SANDBOX_PG_URL). Start, seed, a drill, reuse after a restart, reset, and a sandbox
 * whose server cannot start refused with the reason through the API — the host process lives on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine.js';
import { createApi } from '../../src/main/api/create-api.js';
import { createRouter } from '../../src/main/api/ipc-router.js';
import { removeServerFiles } from '../../src/main/platform/postgres/server-layout.js';
import { systems } from '../../src/main/systems/index.js';
import { sandboxServerHome } from '../../src/main/engine/sandbox/sandbox-postgres.js';
import { verifyPracticePassword } from '../../src/main/systems/practice/password-hash.js';
import { practiceState } from '../support/engine-harness.js';

const sharedUrl = process.env.BREAKGLASS_SANDBOX_PG_URL;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-own-pg-'));
beforeAll(() => {
  delete process.env.BREAKGLASS_SANDBOX_PG_URL;
});
afterAll(() => {
  if (sharedUrl !== undefined) process.env.BREAKGLASS_SANDBOX_PG_URL = sharedUrl;
  removeServerFiles(sandboxServerHome(path.join(dataDir, 'sandbox')));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function serverPid(engineDataDir: string): number | undefined {
  const home = sandboxServerHome(path.join(engineDataDir, 'sandbox'));
  const runtime = fs.existsSync(path.join(home, 'runtime.json'))
    ? (JSON.parse(fs.readFileSync(path.join(home, 'runtime.json'), 'utf8')) as { dir: string }).dir
    : home;
  try {
    return Number(fs.readFileSync(path.join(runtime, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function oldStyleFolders(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('breakglass-sandbox-'));
}

describe("the practice sandbox's own PostgreSQL", () => {
  it('starts and seeds on first use, keeps a run’s changes across a restart, and reset seeds it afresh', async () => {
    const oldStyleBefore = oldStyleFolders();
    const first = new Engine(dataDir, systems);
    const seeded = await practiceState(first);
    const run = await first.start(
      await first.plan('practice.drill', { newPassword: 'Own-Server-Pw-1!' }, 'sandbox'),
      {
        decide: async () => 'confirm',
      },
    ).done;
    expect(run.state).toBe('succeeded');
    const afterRun = await practiceState(first);
    expect(afterRun.hash).not.toBe(seeded.hash);
    const pid = serverPid(dataDir);
    await first.close();
    expect(pid && (() => process.kill(pid, 0))).toThrow();

    const second = new Engine(dataDir, systems);
    try {
      expect(await practiceState(second)).toEqual(afterRun);
      await second.sandbox.reset('practice');
      const reseeded = await practiceState(second);
      expect(verifyPracticePassword('Own-Server-Pw-1!', afterRun.hash ?? '')).toBe(true);
      expect(verifyPracticePassword('Own-Server-Pw-1!', reseeded.hash ?? '')).toBe(false);
      expect(reseeded.config).toBe(seeded.config);
    } finally {
      await second.close();
    }
    // The old launcher's predictable world-writable folders are gone (others' runs may leave theirs).
    expect(oldStyleFolders().filter((name) => !oldStyleBefore.includes(name))).toEqual([]);
  });

  it('a sandbox whose server cannot start is refused with the reason, and the API goes on serving', async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-own-pg-broken-'));
    fs.mkdirSync(path.join(broken, 'sandbox'), { recursive: true });
    fs.writeFileSync(sandboxServerHome(path.join(broken, 'sandbox')), 'not a folder');
    const api = await createApi({ dataDir: broken, transport: 'web', emit: () => undefined });
    const route = createRouter(api.handlers);
    try {
      const planned = await route('plan.create', {
        procedureId: 'practice.drill',
        inputs: { newPassword: 'Own-Server-Pw-1!' },
        environment: 'sandbox',
      });
      expect(planned).toMatchObject({ ok: false, code: 'refused' });
      expect((planned as { message: string }).message).toMatch(
        /The practice sandbox cannot start its PostgreSQL server\. .*must be a folder/,
      );
      expect(await route('procedures.list', {})).toMatchObject({ ok: true });
    } finally {
      await api.close();
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});
