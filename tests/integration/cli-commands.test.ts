import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/run-cli.js';
import { freshDataDir, practiceEngine, practiceState } from '../support/engine-harness.js';
import { memoryIo } from '../support/cli-io.js';

const SECRET = 'Cli-Test-Password-77';

function workspace(
  label: string,
  input: unknown = { newPassword: { env: 'DRILL_SECRET' } },
  fileName = 'in.json',
) {
  const dataDir = freshDataDir(label);
  const inputPath = path.join(dataDir, '..', `${path.basename(dataDir)}-${fileName}`);
  fs.writeFileSync(inputPath, typeof input === 'string' ? input : JSON.stringify(input));
  const cli = async (args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) => {
    const memory = memoryIo({ stdin: options.stdin, env: { DRILL_SECRET: SECRET, ...options.env } });
    const code = await runCli(['--data-dir', dataDir, ...args], memory.io);
    return { code, stdout: memory.stdout(), stderr: memory.stderr() };
  };
  return { dataDir, inputPath, cli };
}

describe('breakglass CLI', () => {
  it('lists procedures as stable JSON with the input schema and its secret marks', async () => {
    const { cli } = workspace('cli-procedures');
    const result = await cli(['procedures', '--json']);
    expect(result.code).toBe(0);
    const { procedures } = JSON.parse(result.stdout) as {
      procedures: Array<{ id: string; inputSchema: { properties: Record<string, { secret?: boolean }> } }>;
    };
    const drill = procedures.find((procedure) => procedure.id === 'practice.drill');
    expect(drill?.inputSchema.properties.newPassword?.secret).toBe(true);
    expect(drill?.inputSchema.properties.account?.secret).toBeUndefined();
  });

  it('plans from a YAML file as a dry run, printing one JSON document and changing nothing', async () => {
    const { cli, inputPath, dataDir } = workspace(
      'cli-plan',
      'newPassword:\n  env: DRILL_SECRET\naccount: drill-admin\n',
      'in.yaml',
    );
    const engine = practiceEngine(dataDir);
    const before = await practiceState(engine);
    const result = await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { procedureId: string; steps: unknown[] };
    expect(plan).toMatchObject({ procedureId: 'practice.drill', environment: 'sandbox' });
    expect(plan.steps).toHaveLength(8);
    expect(await practiceState(engine)).toEqual(before);
    expect(fs.existsSync(path.join(dataDir, 'runs'))).toBe(false);
    await engine.close();
  });

  it('refuses secrets on argv, and secret values (not references) in the input file', async () => {
    const { cli, inputPath } = workspace('cli-argv');
    for (const args of [
      ['run', 'practice.drill', '--password', 'x'],
      ['run', 'practice.drill', `--token=${SECRET}`],
      ['plan', 'practice.drill', `newPassword=${SECRET}`],
    ]) {
      const result = await cli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/never go on the command line/);
      expect(result.stderr).not.toContain(SECRET);
    }
    fs.writeFileSync(inputPath, JSON.stringify({ newPassword: SECRET }));
    const plain = await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/^breakglass: newPassword: is a secret: give a reference/);
    expect(plain.stderr).not.toContain(SECRET);
  });

  it('reads secrets from a file (refused when others can read it) and from stdin; missing ones fail without a TTY', async () => {
    const { cli, inputPath, dataDir } = workspace('cli-refs');
    const secretFile = path.join(dataDir, '..', `${path.basename(dataDir)}-secret.txt`);
    fs.writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o644 });
    fs.chmodSync(secretFile, 0o644);
    fs.writeFileSync(inputPath, JSON.stringify({ newPassword: { file: path.basename(secretFile) } }));
    if (process.platform !== 'win32') {
      const readable = await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox', '--json']);
      expect(readable.code).toBe(2);
      expect(readable.stdout).toContain('newPassword: the secret file');
      expect(readable.stdout).toContain(`chmod 600 ${secretFile}`);
      expect(readable.stdout + readable.stderr).not.toContain(SECRET);
    }
    fs.chmodSync(secretFile, 0o600);
    const fromFile = await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox', '--json']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stderr).toBe('');
    fs.writeFileSync(inputPath, JSON.stringify({ newPassword: { stdin: true } }));
    expect(
      (
        await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox', '--json'], {
          stdin: `${SECRET}\n`,
        })
      ).code,
    ).toBe(0);
    fs.writeFileSync(inputPath, JSON.stringify({}));
    const missing = await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/newPassword: missing; give \{"env"/);
    fs.writeFileSync(inputPath, JSON.stringify({ newPassword: { env: 'NOT_SET_ANYWHERE' } }));
    expect((await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox'])).stderr).toMatch(
      /NOT_SET_ANYWHERE is not set/,
    );
    fs.writeFileSync(inputPath, '{ not json');
    expect((await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox'])).stderr).toMatch(
      /--input: .* is not valid JSON/,
    );
  });

  it('refuses a secret file that is missing, a folder, not a regular file or larger than 64 KiB, naming the field', async () => {
    const { cli, inputPath, dataDir } = workspace('cli-secret-file');
    const big = path.join(dataDir, '..', `${path.basename(dataDir)}-big.txt`);
    fs.writeFileSync(big, 'x'.repeat(64 * 1024 + 1), { mode: 0o600 });
    const cases: Array<[string, RegExp]> = [
      [path.join(dataDir, 'nope.txt'), /newPassword: the file .*nope\.txt does not exist/],
      [dataDir, /newPassword: .* is a folder/],
      [big, /newPassword: .*big\.txt is larger than 64 KiB/],
    ];
    if (process.platform !== 'win32')
      cases.push(['/dev/null', /newPassword: \/dev\/null is not a regular file/]);
    for (const [file, message] of cases) {
      fs.writeFileSync(inputPath, JSON.stringify({ newPassword: { file } }));
      const result = await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox']);
      expect(result.code, file).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('runs with --yes until the manual step (exit 4, awaiting), resumes with --done, lists and reports', async () => {
    const { cli, inputPath, dataDir } = workspace('cli-run');
    const first = await cli(['run', 'practice.drill', '--input', inputPath, '--sandbox', '--yes']);
    expect(first.code, first.stderr).toBe(4);
    expect(first.stdout).toMatch(/: awaiting\n/);
    const runId = fs.readdirSync(path.join(dataDir, 'runs'))[0] as string;
    expect(first.stdout).toContain(`breakglass resume ${runId} --input ${inputPath} --done record-password`);
    const withoutSecret = await cli(['resume', runId, '--done', 'record-password']);
    expect(withoutSecret.code).toBe(2);
    const resumed = await cli(['resume', runId, '--done', 'record-password', '--input', inputPath, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, state: 'succeeded' });
    const runs = JSON.parse((await cli(['runs', '--json'])).stdout) as {
      runs: Array<{ runId: string; state: string }>;
    };
    expect(runs.runs).toEqual([expect.objectContaining({ runId, state: 'succeeded' })]);
    const out = path.join(dataDir, 'report.html');
    expect((await cli(['report', runId, '--format', 'html', '--out', out])).code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain(JSON.parse(resumed.stdout).journalHash);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect((await cli(['report', runId, '--format', 'pdf'])).code).toBe(2);
  });

  it('issue 16: the resume command it prints works as printed; runs has a header and where each ran; procedures lists the inputs', async () => {
    const { cli, inputPath } = workspace('cli-printed');
    const first = await cli(['run', 'practice.drill', '--input', inputPath, '--sandbox', '--yes']);
    expect(first.code, first.stderr).toBe(4);
    const printed =
      /breakglass (resume \S+ [^\n]*?)(?: — runs what remains:)?$/m.exec(first.stdout)?.[1] ?? '';
    expect(printed).toContain(`--input ${inputPath}`);
    const resumed = await cli(printed.split(' '));
    expect(resumed.code, resumed.stderr).toBe(0);
    const runs = (await cli(['runs'])).stdout.split('\n');
    expect(runs[0]).toMatch(/^RUN +STATE +WHERE +PROCEDURE +BY +STARTED$/);
    expect(runs[1]).toMatch(/ succeeded +sandbox +practice\.drill /);
    const procedures = (await cli(['procedures'])).stdout;
    expect(procedures).toMatch(/practice\.drill\n[\s\S]*? {2}Inputs:\n {4}account \(/);
    expect(procedures).toContain('newPassword (secret: {env}, {file} or {stdin}; required)');
  });

  it('exits 3 on a failed check, 5 after a rollback, 2 with a JSON error for an unknown run', async () => {
    const { cli, inputPath } = workspace('cli-codes');
    fs.writeFileSync(inputPath, JSON.stringify({ newPassword: { env: 'DRILL_SECRET' }, account: 'nobody' }));
    const preflight = await cli(['run', 'practice.drill', '--input', inputPath, '--sandbox', '--yes']);
    expect(preflight.code).toBe(3);
    expect(preflight.stdout).toMatch(/Preflight failed .*Nothing was changed/);
    fs.writeFileSync(
      inputPath,
      JSON.stringify({ newPassword: { env: 'DRILL_SECRET' }, rehearseFailureAt: 'start-app' }),
    );
    const rolledBack = await cli([
      'run',
      'practice.drill',
      '--input',
      inputPath,
      '--sandbox',
      '--yes',
      '--on-failure',
      'rollback',
    ]);
    expect(rolledBack.code, rolledBack.stdout).toBe(5);
    const unknown = await cli(['resume', '20260101T000000000Z-abcdef', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'not-found' } });
    expect((await cli(['resume', '../../etc'])).stderr).toMatch(/No run/);
  });
});
