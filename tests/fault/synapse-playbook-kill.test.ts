// The playbook path's vars file across a kill -9 of the built CLI: killed while the playbook step
// runs, the file is still 0600, the password was on no argv, the run needs attention, and `resume`
// finishes the reset and removes the file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { VARS_FILE_NAME } from '../../src/main/systems/synapse/playbook-path.js';
import { SANDBOX_PLAYBOOK_DIR } from '../../src/main/systems/synapse/sandbox.js';
import { checkpointedCliCommand, runCliProcess } from '../support/cli-process.js';

const NEW_PASSWORD = 'Killed-playbook-pw-ü-42';

describe('synapse.reset-password playbook path, kill -9 mid-run', () => {
  it(
    'leaves the 0600 vars file flagged as needing attention, never on argv; resume finishes and removes it',
    { timeout: 180_000 },
    async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-syn-kill-'));
      const dataDir = path.join(root, 'data');
      const input = path.join(root, 'in.yaml');
      fs.writeFileSync(
        input,
        'user: alice\nnewPassword: { env: SYNAPSE_NEW_PW }\npath: playbook\nrunPlaybook: true\n',
      );
      const env = {
        SYNAPSE_NEW_PW: NEW_PASSWORD,
        BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl'),
        BREAKGLASS_TEST_PAUSE: 'run-playbook:during',
        BREAKGLASS_TEST_PAUSE_MARKER: path.join(root, 'paused'),
      };
      const child = spawn(
        process.execPath,
        [
          ...checkpointedCliCommand(),
          '--data-dir',
          dataDir,
          'run',
          'synapse.reset-password',
          '--input',
          input,
          '--sandbox',
          '--yes',
        ],
        { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      const deadline = Date.now() + 120_000;
      while (!fs.existsSync(env.BREAKGLASS_TEST_PAUSE_MARKER)) {
        if (Date.now() > deadline) throw new Error(`The run never reached run-playbook:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const argv = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
      child.kill('SIGKILL');
      await exited;
      expect(argv).not.toContain(NEW_PASSWORD);

      const varsFile = path.join(
        dataDir,
        'sandbox',
        'files',
        'synapse',
        SANDBOX_PLAYBOOK_DIR,
        VARS_FILE_NAME,
      );
      expect(fs.statSync(varsFile).mode & 0o777).toBe(0o600);
      const runs = await runCliProcess(['--data-dir', dataDir, 'runs'], env);
      expect(runs.stdout).toMatch(/NEEDS ATTENTION/);

      const runId = fs.readdirSync(path.join(dataDir, 'runs'))[0] as string;
      const resumed = await runCliProcess(
        ['--data-dir', dataDir, 'resume', runId, '--input', input, '--yes'],
        {
          ...env,
          BREAKGLASS_TEST_PAUSE: '',
        },
      );
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      expect(fs.existsSync(varsFile)).toBe(false);
      expect(resumed.stdout + resumed.stderr + output).not.toContain(NEW_PASSWORD);
      fs.rmSync(root, { recursive: true, force: true });
    },
  );
});
