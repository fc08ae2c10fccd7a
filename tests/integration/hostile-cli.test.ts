/** The attacks of issue 15 through the real CLI process: each a clear exit 2 at once, nothing changed. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../support/cli-process.js';
import { freshDataDir } from '../support/engine-harness.js';

const PROCEDURE = 'outsystems.reset-admin-password';

function workspace(label: string) {
  const dataDir = freshDataDir(`hostile-cli-${label}`);
  const files = fs.mkdtempSync(`${dataDir}-files-`);
  const env = {
    BREAKGLASS_SANDBOX_PG_URL: process.env.BREAKGLASS_SANDBOX_PG_URL,
    NEW_ADMIN_PASSWORD: 'Quiet-Harbor-7731',
  };
  const plan = (input: string) =>
    runCliProcess(['--data-dir', dataDir, 'plan', PROCEDURE, '--input', input, '--sandbox'], env, {
      cwd: files,
    });
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(files, name), text);
    return path.join(files, name);
  };
  return { plan, write, files };
}

describe.runIf(process.platform !== 'win32')('hostile input through the CLI', () => {
  it('--input /dev/zero, /dev/urandom and a FIFO: exit 2 at once, naming --input', async () => {
    const { plan, files } = workspace('devices');
    execFileSync('mkfifo', [path.join(files, 'pipe.json')]);
    for (const input of ['/dev/zero', '/dev/urandom', 'pipe.json']) {
      const started = Date.now();
      const result = await plan(input);
      expect(result.code, input).toBe(2);
      expect(result.stderr).toMatch(/--input: .* is not a regular file/);
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  it('usename: jane.dev is refused naming it (it used to reset admin)', async () => {
    const { plan, write } = workspace('typo');
    const result = await plan(
      write('typo.yaml', 'usename: jane.dev\nnewPassword: { env: NEW_ADMIN_PASSWORD }\n'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usename: unknown field \(did you mean username\?\)/);
  });

  it('a list instead of an object says so, not "newPassword: missing"', async () => {
    const { plan, write } = workspace('list');
    const result = await plan(write('list.yaml', '- username: admin\n'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds a list, not the object/);
    expect(result.stderr).not.toMatch(/newPassword/);
  });

  it('a JSON file with a BOM is read; the plan shows the user', async () => {
    const { plan, write } = workspace('bom');
    const result = await plan(
      write('bom.json', '\uFEFF{"username": "admin", "newPassword": {"env": "NEW_ADMIN_PASSWORD"}}'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('User "admin"');
  });
});
