/**
 * Issue 16: the README's CLI example failed when copied (bare `breakglass` not on the PATH, a `'…'`
 * placeholder password the policy refuses). This runs the README's own block with bash, as a
 * newcomer would in the checkout: in a terminal (util-linux `script` gives it one), typing the
 * password at its `read` and `y` at each confirmation.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';

function readmeExample(): string {
  const readme = fs.readFileSync('README.md', 'utf8');
  const start = readme.indexOf('Example (practice sandbox):');
  const block = /```\n([\s\S]*?)```/.exec(readme.slice(start));
  if (start < 0 || !block?.[1]) throw new Error('The README has no practice-sandbox CLI example');
  return block[1];
}

/** A folder laid out like the checkout (its package.json, bin, out and node_modules), so that `npx breakglass` resolves as it does there. */
function checkoutLike(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-readme-'));
  for (const entry of ['package.json', 'bin', 'out', 'node_modules'])
    fs.symlinkSync(path.resolve(entry), path.join(dir, entry));
  return dir;
}

describe('the README’s CLI example', () => {
  it('plans and runs the admin reset on the sandbox when copied as it is', () => {
    const cwd = checkoutLike();
    const example = path.join(cwd, 'example.sh');
    fs.writeFileSync(example, readmeExample());
    const result = spawnSync(
      'script',
      ['-qec', `bash --norc --noprofile -euo pipefail ${example}`, '/dev/null'],
      {
        cwd,
        input: 'Readme-Example-Pw-42!\ny\ny\ny\n',
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: cwd,
          TERM: 'dumb',
          BREAKGLASS_DATA_DIR: path.join(cwd, 'data'),
          BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl'),
          npm_config_cache: path.join(cwd, 'npm-cache'),
          npm_config_offline: 'true',
          npm_config_update_notifier: 'false',
        },
        timeout: 120_000,
      },
    );
    expect(result.status, `${result.stderr}\n${result.stdout.slice(-800)}`).toBe(0);
    expect(result.stdout).toMatch(/succeeded/);
    // (The transcript holds the typed input: `script` echoes what is fed to it before `read -s` starts.)
    expect(fs.readdirSync(path.join(cwd, 'data', 'runs'))).toHaveLength(1);
  }, 150_000);
});
