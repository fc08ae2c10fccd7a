// synapse.reset-password, playbook path, through the Engine on the practice sandbox: the vars file
// (0600, the only place the password goes), the exact ansible-playbook command run through the
// exec adapter (the sandbox's simulated playbook does what the update-user-password task does),
// the file removed afterwards, and after a failure by rollback.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Decision, Prompt } from '../../src/shared/procedure.js';
import { VARS_FILE_NAME } from '../../src/main/systems/synapse/playbook-path.js';
import { SYNAPSE_SANDBOX_USERS } from '../../src/main/systems/synapse/sandbox.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import { pepperOf, perlAcceptsSynapseHash, sandboxFiles, synapseUsers } from '../support/synapse-sandbox.js';

const PROCEDURE = 'synapse.reset-password';
const NEW_PASSWORD = `Play-böok-pw-😀-'"; --`;
const { fresh: engine } = practiceEngines('syn-pb-');

describe('synapse.reset-password, playbook path on the practice sandbox', () => {
  it('runs the exact command with the password only in a 0600 vars file, removes the file, and the login proves it', async () => {
    const e = engine('run');
    const files = await sandboxFiles(e);
    const varsFile = path.join(files.root, 'matrix-docker-ansible-deploy', VARS_FILE_NAME);
    const prepared = await e.plan(
      PROCEDURE,
      { user: 'alice', newPassword: NEW_PASSWORD, path: 'playbook', runPlaybook: true },
      'sandbox',
    );
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'write-vars-file',
      'run-playbook',
      'remove-vars-file',
      'verify-login',
    ]);
    expect(prepared.view.steps[1]?.description.command).toEqual({
      program: 'ansible-playbook',
      args: [
        '-i',
        'inventory/hosts',
        'setup.yml',
        '--extra-vars',
        `@${VARS_FILE_NAME}`,
        '--tags=update-user-password',
      ],
      cwd: path.join(files.root, 'matrix-docker-ansible-deploy'),
    });
    expect(prepared.view.warnings.join('\n')).toMatch(/hash_password -p/);
    expect(JSON.stringify(prepared.view)).not.toContain(NEW_PASSWORD);

    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    // The simulated playbook refuses a vars file readable by others, so its success shows the mode was 0600.
    expect(view.steps.find((step) => step.id === 'run-playbook')?.logs.join('\n')).toMatch(
      /changed: \[matrix\.practice\.example\][\s\S]*failed=0/,
    );
    expect(view.steps.find((step) => step.id === 'verify-login')?.logs.join('\n')).toMatch(
      /logged in with the new password/,
    );
    expect(fs.existsSync(varsFile)).toBe(false);
    const alice = (await synapseUsers(e)).find((row) => row.name === SYNAPSE_SANDBOX_USERS.alice);
    expect(perlAcceptsSynapseHash(NEW_PASSWORD, pepperOf(files.homeserver), alice?.password_hash ?? '')).toBe(
      true,
    );
    expect(fs.readFileSync(view.journalPath, 'utf8')).not.toContain(NEW_PASSWORD);
  });

  it('shows the command for the admin to run, with the vars file in place (0600) only while it is needed', async () => {
    const e = engine('manual');
    const files = await sandboxFiles(e);
    const varsFile = path.join(files.root, 'matrix-docker-ansible-deploy', VARS_FILE_NAME);
    const prepared = await e.plan(
      PROCEDURE,
      { user: 'dave', newPassword: NEW_PASSWORD, path: 'playbook' },
      'sandbox',
    );
    expect(prepared.view.steps[1]?.kind).toBe('manual');
    const seen: Array<{ mode: number; vars: unknown }> = [];
    const hooks = {
      onEvent: () => undefined,
      decide: async (prompt: Prompt): Promise<Decision> => {
        if (prompt.kind === 'manual') {
          seen.push({
            mode: fs.statSync(varsFile).mode & 0o777,
            vars: JSON.parse(fs.readFileSync(varsFile, 'utf8')),
          });
          // The admin runs the shown command (here the sandbox's simulated playbook).
          const command = prepared.view.steps[1]?.description.command;
          const result = await e.sandbox
            .environment(e.registry.system('synapse'))
            .exec.run({ program: command?.program ?? '', args: command?.args ?? [], cwd: command?.cwd });
          expect(result.exitCode).toBe(0);
        }
        return 'confirm';
      },
    };
    const view = await e.start(prepared, hooks).done;
    expect(view.state).toBe('succeeded');
    expect(seen).toEqual([{ mode: 0o600, vars: { username: 'dave', password: NEW_PASSWORD } }]);
    expect(fs.existsSync(varsFile)).toBe(false);
  });

  it('a failed playbook (no such user: not UPDATE 1) leaves the file flagged as needing attention, and rollback removes it', async () => {
    const e = engine('fail');
    const files = await sandboxFiles(e);
    const varsFile = path.join(files.root, 'matrix-docker-ansible-deploy', VARS_FILE_NAME);
    const before = await synapseUsers(e);
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        { user: 'nobody', newPassword: NEW_PASSWORD, path: 'playbook', runPlaybook: true },
        'sandbox',
      ),
      scriptedHooks({ failure: 'cancel' }),
    ).done;
    const failed = view.steps.find((step) => step.id === 'run-playbook');
    expect(failed?.state).toBe('failed');
    expect(failed?.message).toMatch(/ansible-playbook failed \(exit 2\)[\s\S]*UPDATE 0/);
    expect(view.needsAttention).toBe(true);
    expect(view.attention?.pending[0]?.leaves).toMatch(/holds the new password/);
    expect(fs.statSync(varsFile).mode & 0o777).toBe(0o600);
    const undone = await (await e.rollback(view.runId, { newPassword: NEW_PASSWORD }, scriptedHooks())).done;
    expect(undone.state).toBe('rolled-back');
    expect(fs.existsSync(varsFile)).toBe(false);
    expect(await synapseUsers(e)).toEqual(before);
  });
});
