/**
 * Issue 16: the crash-test hook does not ship. The product's CLI ignores BREAKGLASS_TEST_PAUSE and
 * finishes the run; only the test entry (checkpointed-cli.ts) stops there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freshDataDir } from '../support/engine-harness.js';
import { runCliProcess } from '../support/cli-process.js';

describe('crash-test checkpoints', () => {
  it('the shipped CLI runs through a BREAKGLASS_TEST_PAUSE point without stopping', async () => {
    const dataDir = freshDataDir('checkpoint-shipped');
    const input = path.join(dataDir, 'in.json');
    fs.writeFileSync(input, JSON.stringify({ newPassword: { env: 'DRILL_SECRET' } }));
    const marker = path.join(dataDir, 'paused');
    const result = await runCliProcess(
      [
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
      ],
      {
        DRILL_SECRET: 'Checkpoint-Pw-42!',
        BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl'),
        BREAKGLASS_TEST_PAUSE: 'set-password:before',
        BREAKGLASS_TEST_PAUSE_MARKER: marker,
      },
    );
    expect(result.code, result.stderr + result.stdout.slice(-400)).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
