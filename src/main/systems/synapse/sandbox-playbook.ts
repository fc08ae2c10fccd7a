/**
 * The practice sandbox's simulated `ansible-playbook` for `--tags=update-user-password`: reads
 * the `--extra-vars @file` (refusing one readable by others), then does what the playbook's task
 * does (roles/custom/matrix-synapse/tasks/update_user_password.yml): hash the password as Synapse's
 * hash_password would, `UPDATE users SET password_hash … WHERE name = '@<user>:<server_name>'`,
 * and fail unless that answers UPDATE 1. Like the real task it has no check for MAS.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { ExecResult } from '../../platform/exec/types.js';
import type { SimulatedProgram } from '../../engine/types.js';
import { hashSynapsePassword } from './hash.js';
import { readHomeserverYaml } from './homeserver.js';
import { SANDBOX_HOMESERVER } from './sandbox.js';

const result = (exitCode: number, stdout: string): ExecResult => ({
  exitCode,
  signal: null,
  stdout,
  stderr: '',
  timedOut: false,
  durationMs: 1,
});

const recap = (ok: number, changed: number, failed: number) =>
  `\nPLAY RECAP *********************************************************************\nmatrix.practice.example    : ok=${ok}    changed=${changed}    unreachable=0    failed=${failed}    skipped=0    rescued=0    ignored=0\n`;

export const simulatedAnsiblePlaybook: SimulatedProgram = async (request, sandbox) => {
  const args = [...request.args];
  const varsArg = args[args.indexOf('--extra-vars') + 1];
  if (!args.includes('--tags=update-user-password') || !varsArg?.startsWith('@'))
    return result(
      2,
      'ERROR! The practice playbook only simulates --tags=update-user-password with --extra-vars @file.\n',
    );
  const file = path.resolve(request.cwd ?? sandbox.root, varsArg.slice(1));
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return result(1, `ERROR! the file_name '${file}' does not exist, or is not readable\n`);
  if ((stat.mode & 0o077) !== 0)
    return result(
      1,
      `ERROR! practice check: ${file} is readable by others (mode ${(stat.mode & 0o777).toString(8)}).\n`,
    );
  const vars = JSON.parse(await fs.readFile(file, 'utf8')) as { username?: string; password?: string };
  const header = '\nPLAY [Set up a Matrix server] **************************************************\n';
  if (!vars.username || !vars.password)
    return result(
      2,
      `${header}\nTASK [custom/matrix-synapse : Fail if playbook called incorrectly] *************\nfatal: [matrix.practice.example]: FAILED! => {"msg": "The username or password variable was not provided to this playbook, via --extra-vars"}\n${recap(0, 0, 1)}`,
    );
  const homeserver = await readHomeserverYaml(path.join(sandbox.root, SANDBOX_HOMESERVER));
  const hash = await hashSynapsePassword(vars.password, {
    pepper: homeserver.passwordConfig.pepper,
    rounds: homeserver.bcryptRounds,
  });
  const db = new pg.Client({ connectionString: sandbox.databaseUrl });
  await db.connect();
  try {
    const updated = await db.query('UPDATE users SET password_hash = $1 WHERE name = $2', [
      hash,
      `@${vars.username}:${homeserver.serverName}`,
    ]);
    const task = '\nTASK [custom/matrix-synapse : Update user password hash] ***********************\n';
    if (updated.rowCount !== 1)
      return result(
        2,
        `${header}${task}fatal: [matrix.practice.example]: FAILED! => {"changed": true, "failed_when_result": true, "stdout": "UPDATE ${updated.rowCount ?? 0}"}\n${recap(3, 1, 1)}`,
      );
    return result(0, `${header}${task}changed: [matrix.practice.example]\n${recap(4, 1, 0)}`);
  } finally {
    await db.end();
  }
};
