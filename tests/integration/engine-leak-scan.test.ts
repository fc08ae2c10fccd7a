import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine.js';
import type { SandboxExec } from '../../src/main/engine/sandbox/sandbox-exec.js';
import { runCliProcess } from '../support/cli-process.js';
import { freshDataDir, practiceEngine, scriptedHooks } from '../support/engine-harness.js';
import { filesUnder, findSecret } from '../support/leak-scan.js';

/** Recognisable, and full of characters that change under escaping. */
const SECRET = `Canary-7f3e9'"<&>é-LEAK`;
const engines: Engine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

describe('secret leak scan', () => {
  it('the helper finds the secret in each form it can take', () => {
    const dir = freshDataDir('leak-helper');
    fs.writeFileSync(path.join(dir, 'b64.txt'), Buffer.from(SECRET).toString('base64'));
    expect(
      findSecret(SECRET, {
        dirs: [dir],
        texts: {
          json: JSON.stringify({ p: SECRET }),
          url: encodeURIComponent(SECRET),
          clean: 'nothing here',
        },
      }),
    ).toEqual([`${path.join(dir, 'b64.txt')} (base64)`, 'json (json)', 'url (url)']);
  });

  it('a run, a failure, a rollback, a resume and every report leave the secret nowhere — not in files, events, errors or child argv', async () => {
    const dataDir = freshDataDir('leak-engine');
    const engine = practiceEngine(dataDir);
    engines.push(engine);
    const ok = scriptedHooks();
    const success = await engine.start(
      await engine.plan('practice.drill', { newPassword: SECRET }, 'sandbox'),
      ok,
    ).done;
    expect(success.state).toBe('succeeded');
    const failing = scriptedHooks({ failure: 'rollback' });
    const rolledBack = await engine.start(
      await engine.plan(
        'practice.drill',
        { newPassword: SECRET, rehearseFailureAt: 'set-password' },
        'sandbox',
      ),
      failing,
    ).done;
    expect(rolledBack.state).toBe('rolled-back');
    const stopped = await engine.start(
      await engine.plan(
        'practice.drill',
        { newPassword: SECRET, rehearseFailureAt: 'verify-login' },
        'sandbox',
      ),
      scriptedHooks({ failure: 'cancel' }),
    ).done;
    const wrong = await engine
      .resume(stopped.runId, { newPassword: `${SECRET}x` }, scriptedHooks())
      .catch((error: Error) => error.message);
    const resumed = await (
      await engine.resume(stopped.runId, { newPassword: SECRET }, scriptedHooks({ failure: 'retry' }))
    ).done;
    expect(resumed.state).toBe('succeeded');
    const badInput = await engine
      .plan('practice.drill', { newPassword: SECRET, account: SECRET }, 'sandbox')
      .catch((error: Error) => error.message);
    const reports = [success, rolledBack, resumed].flatMap((run) =>
      (['md', 'html', 'json'] as const).map((format) => engine.report(run.runId, format).content),
    );
    const exec = engine.environment('sandbox', 'practice').exec as SandboxExec;
    expect(exec.requests.length).toBeGreaterThan(0);
    expect(exec.requests.every((request) => request.stdin)).toBe(true);
    const written = filesUnder(path.join(dataDir, 'runs'));
    expect(written.filter((file) => file.endsWith('journal.jsonl'))).toHaveLength(3);
    expect(written.filter((file) => file.endsWith('backup-values.json')).length).toBeGreaterThan(0);
    expect(written.filter((file) => file.includes(`${path.sep}files${path.sep}`)).length).toBeGreaterThan(0);
    const hits = findSecret(SECRET, {
      dirs: [dataDir],
      texts: {
        events: JSON.stringify([...ok.events, ...failing.events]),
        prompts: JSON.stringify([...ok.prompts, ...failing.prompts]),
        errors: JSON.stringify([wrong, badInput, rolledBack.error, stopped.error]),
        reports: reports.join('\n'),
        argv: JSON.stringify(exec.requests.map((request) => [request.program, ...request.args])),
      },
    });
    expect(hits).toEqual([]);
  });

  it('the CLI process leaves it in no file, no stdout/stderr, with --json too', async () => {
    const dataDir = freshDataDir('leak-cli');
    const inputDir = fs.mkdtempSync(path.join(path.dirname(dataDir), 'leak-input-'));
    fs.writeFileSync(
      path.join(inputDir, 'in.json'),
      JSON.stringify({ newPassword: { env: 'DRILL_SECRET' } }),
    );
    const env = { DRILL_SECRET: SECRET, BREAKGLASS_SANDBOX_PG_URL: process.env.BREAKGLASS_SANDBOX_PG_URL };
    const plan = await runCliProcess(
      [
        '--data-dir',
        dataDir,
        'plan',
        'practice.drill',
        '--input',
        path.join(inputDir, 'in.json'),
        '--sandbox',
        '--json',
      ],
      env,
    );
    const run = await runCliProcess(
      [
        '--data-dir',
        dataDir,
        'run',
        'practice.drill',
        '--input',
        path.join(inputDir, 'in.json'),
        '--sandbox',
        '--yes',
        '--done',
        'record-password',
      ],
      env,
    );
    expect(run.code).toBe(0);
    const runId = fs.readdirSync(path.join(dataDir, 'runs'))[0] as string;
    const report = await runCliProcess(['--data-dir', dataDir, 'report', runId, '--format', 'html'], env);
    expect(report.stdout).toContain('<html');
    const outputs = Object.fromEntries(
      [plan, run, report].flatMap((result, index) => [
        [`stdout ${index}`, result.stdout],
        [`stderr ${index}`, result.stderr],
      ]),
    );
    expect(findSecret(SECRET, { dirs: [dataDir], texts: outputs })).toEqual([]);
  });
});
