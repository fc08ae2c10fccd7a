/**
 * The suite's global setup, when one of its parts fails (here the browser), stops the other (the
 * embedded PostgreSQL) and removes its files: vitest runs no teardown after a setup that threw.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone
    }
  }
  return found;
}

describe('the suite setup', () => {
  it.runIf(process.platform === 'linux')(
    'stops its PostgreSQL and removes its files when the browser cannot start',
    { timeout: 60_000 },
    () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-setup-failure-'));
      fs.chmodSync(tmp, 0o755);
      try {
        const script = `const { setup } = await import('./tests/support/global-setup.ts');
await setup({ provide() {} }).then(() => process.exit(0), (error) => { console.log('setup failed: ' + error.message); process.exit(3); });`;
        const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: path.resolve('.'),
          encoding: 'utf8',
          env: { ...process.env, TMPDIR: tmp, BREAKGLASS_CHROMIUM: path.join(tmp, 'no-such-chromium') },
        });
        expect(result.status, result.stdout + result.stderr).toBe(3);
        expect(result.stdout).toMatch(/setup failed: .*no-such-chromium/s);
        expect(processesMentioning(tmp)).toEqual([]);
        expect(fs.readdirSync(tmp).filter((name) => name.startsWith('breakglass-'))).toEqual([]);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});
