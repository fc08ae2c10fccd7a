/**
 * The playbook path (seed 004 option 1, matrix-docker-ansible-deploy): `ansible-playbook -i
 * inventory/hosts setup.yml --extra-vars @<file> --tags=update-user-password`, with the username
 * and password in a 0600 vars file instead of on the command line. The file is written by its own
 * step (which declares it as a state that must not stay), removed by a later one, and by the undo,
 * so a stopped or killed run shows it as needing attention until resume or rollback removes it.
 * The playbook runs through the exec adapter when asked, else the admin runs the shown command.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { StepFailure, type StepContext, type StepDefinition } from '../../engine/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import type { Mxid } from './mxid.js';

export const VARS_FILE_NAME = '.breakglass-update-user-password.json';
const PLAYBOOK_TIMEOUT_MS = 20 * 60_000;

export interface PlaybookPathOptions {
  playbookDir: string;
  mxid: Mxid;
  newPassword: string;
  runPlaybook: boolean;
}

export function playbookCommand(options: PlaybookPathOptions): {
  program: string;
  args: string[];
  cwd: string;
} {
  return {
    program: 'ansible-playbook',
    args: [
      '-i',
      'inventory/hosts',
      'setup.yml',
      '--extra-vars',
      `@${VARS_FILE_NAME}`,
      '--tags=update-user-password',
    ],
    cwd: options.playbookDir,
  };
}

async function removeVarsFile(file: string, ctx: StepContext): Promise<void> {
  await fs.rm(file, { force: true });
  ctx.log(`Removed ${file}.`);
}

export function playbookSteps(options: PlaybookPathOptions): StepDefinition[] {
  const file = path.join(options.playbookDir, VARS_FILE_NAME);
  const command = playbookCommand(options);
  const shown = `cd ${command.cwd} && ${command.program} ${command.args.join(' ')}`;
  const run: StepDefinition = options.runPlaybook
    ? {
        id: 'run-playbook',
        kind: 'change',
        title: 'Run the playbook with --tags=update-user-password',
        describe: () => ({
          summary: `Runs ${command.program} in ${command.cwd}; the password reaches it only through the vars file.`,
          command,
          details: [
            "The playbook's task hashes the password in the Synapse container and requires the database to answer UPDATE 1.",
          ],
        }),
        async run(ctx) {
          ctx.addSecret(options.newPassword);
          const result = await ctx.env.exec.run({
            ...command,
            timeoutMs: PLAYBOOK_TIMEOUT_MS,
            secrets: [options.newPassword],
          });
          const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-8).join('\n');
          if (result.exitCode !== 0)
            throw new StepFailure(
              `ansible-playbook failed (exit ${String(result.exitCode)}${result.timedOut ? ', timed out' : ''}):\n${tail}`,
              'Read the failed task above (a wrong username gives no "UPDATE 1"), fix it, then retry; the vars file is removed by the next step or by a rollback.',
            );
          ctx.log(tail);
        },
      }
    : {
        id: 'run-playbook',
        kind: 'manual',
        title: 'Run the playbook with --tags=update-user-password',
        describe: () => ({
          summary: 'Run this on the machine holding your playbook checkout (the vars file is there now):',
          command,
          instructions: [shown, 'It must end without failed tasks (the update task requires "UPDATE 1").'],
        }),
        async run(ctx) {
          ctx.log('Confirmed by the admin: the playbook ran.');
        },
      };
  return [
    {
      id: 'write-vars-file',
      kind: 'change',
      title: `Write the playbook's vars file for "${options.mxid.localpart}" (0600)`,
      describe: () => ({
        summary: `Writes ${file} (mode 0600) holding username "${options.mxid.localpart}" and the password, so that neither appears on a command line or in shell history.`,
        undo: 'Removes the file.',
      }),
      compensation: { leaves: `${file} holds the new password`, restoredBy: 'remove-vars-file' },
      async run(ctx) {
        ctx.addSecret(options.newPassword);
        await writeFileAtomic(
          file,
          `${JSON.stringify({ username: options.mxid.localpart, password: options.newPassword })}\n`,
          { mode: 0o600 },
        );
        ctx.log(`Wrote ${file} (0600).`);
      },
      async check() {
        const stat = await fs.stat(file);
        if ((stat.mode & 0o077) !== 0)
          throw new StepFailure(`${file} is readable by others (mode ${(stat.mode & 0o777).toString(8)}).`);
      },
      async undo(ctx) {
        await removeVarsFile(file, ctx);
      },
    },
    run,
    {
      id: 'remove-vars-file',
      kind: 'change',
      title: 'Remove the vars file',
      describe: () => ({ summary: `Deletes ${file}.` }),
      async run(ctx) {
        await removeVarsFile(file, ctx);
      },
      async check() {
        const gone = await fs.stat(file).then(
          () => false,
          () => true,
        );
        if (!gone) throw new StepFailure(`${file} still exists.`, 'Delete it by hand.');
      },
    },
  ];
}
