/**
 * The practice sandbox's `docker`, for `docker compose exec [-T] [-e NAME]… app python3 manage.py …`
 * in the deploy folder, over the sandbox's real users_pentestuser rows: `-e NAME` takes the value
 * from docker's own environment as compose does; Django's shell runs only the lookup and check
 * programs the CLI path sends; createorupdateuser behaves as its source does (15-character
 * minimum, and it CREATES the user when the name is not found); Django's changepassword, given a
 * terminal (`request.terminal`), asks its two prompts, answered from the request's answers in
 * order, refuses an unknown user, and asks again after a mismatch or a validator's refusal (then
 * unanswered: the caller stops it). Anything else fails as docker would.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { SimulatedProgram } from '../../engine/types.js';
import type { ExecResult } from '../../platform/exec/types.js';
import {
  CHANGEPASSWORD_PROMPTS,
  CHECK_CODE,
  CHECK_PROMPT,
  CHECK_TTY_CODE,
  CLI_PASSWORD_ENV,
  CLI_USERNAME_ENV,
  LOOKUP_CODE,
} from './cli-path.js';
import { storedForm } from './database-path.js';
import { readSysReptorDeploy, SANDBOX_DEPLOY_DIR } from './deploy.js';
import { hashSysReptorPassword, verifySysReptorPassword } from './hash.js';
import { decodeStoredPassword, encodeStoredPassword, planWrite } from './password-field.js';
import { CLI_MIN_PASSWORD_LENGTH } from './paths.js';
import { validatorErrors } from './sandbox-api.js';

const answer = (exitCode: number, stdout: string, stderr = ''): ExecResult => ({
  exitCode,
  signal: null,
  stdout,
  stderr,
  timedOut: false,
  durationMs: 1,
});

/** A terminal session: each prompt is answered by the next answer when it is for that prompt. */
function terminalOf(request: Parameters<SimulatedProgram>[0]) {
  const answers = [...(request.terminal?.answers ?? [])];
  let output = '';
  return {
    write(text: string) {
      output += text.replace(/\n/g, '\r\n');
    },
    /** The reply, or undefined when the prompt goes unanswered (the caller stops the program). */
    ask(prompt: string): string | undefined {
      output += prompt;
      if (answers[0]?.prompt !== prompt) return undefined;
      output += '\r\n';
      return answers.shift()?.reply;
    },
    result(exitCode: number, unansweredPrompt?: string): ExecResult {
      return {
        ...answer(exitCode, output),
        ...(unansweredPrompt !== undefined ? { exitCode: null, signal: 'SIGKILL', unansweredPrompt } : {}),
      };
    },
  };
}

export const simulatedDocker: SimulatedProgram = async (request, sandbox) => {
  const deployDir = path.join(sandbox.root, SANDBOX_DEPLOY_DIR);
  if (!request.cwd || path.resolve(request.cwd) !== deployDir)
    return answer(1, '', 'no configuration file provided: not found\n');
  const args = [...request.args];
  if (args[0] !== 'compose' || args[1] !== 'exec')
    return answer(1, '', 'The practice docker only knows "docker compose exec".\n');
  const environment: Record<string, string> = {};
  let index = 2;
  for (; index < args.length && args[index]?.startsWith('-'); index++) {
    if (args[index] === '-e') {
      const name = args[++index] ?? '';
      const value = request.env?.[name];
      if (value !== undefined) environment[name] = value;
    }
  }
  const [service, python, manage, command, ...rest] = args.slice(index);
  if (service !== 'app') return answer(1, '', `service "${service ?? ''}" is not running\n`);
  if (python !== 'python3' || manage !== 'manage.py')
    return answer(126, '', 'The practice app container only runs python3 manage.py.\n');

  const deploy = await readSysReptorDeploy(deployDir);
  const db = new pg.Client({ connectionString: sandbox.databaseUrl });
  await db.connect();
  try {
    const username = environment[CLI_USERNAME_ENV];
    const find = async () =>
      (
        await db.query('SELECT *, id::text AS id FROM users_pentestuser WHERE username = $1', [
          username ?? '',
        ])
      ).rows[0] as Record<string, unknown> | undefined;
    if (command === 'shell' && rest[0] === '-c' && rest[1] === LOOKUP_CODE) {
      const user = await find();
      const shown = user
        ? {
            id: user.id,
            is_active: user.is_active,
            is_superuser: user.is_superuser,
            is_system_user: user.is_system_user,
          }
        : null;
      return answer(0, `BREAKGLASS:${JSON.stringify(shown)}\n`);
    }
    if (command === 'shell' && rest[0] === '-c' && rest[1] === CHECK_CODE) {
      const user = await find();
      if (!user)
        return answer(
          1,
          '',
          'sysreptor.users.models.PentestUser.DoesNotExist: PentestUser matching query does not exist.\n',
        );
      const accepted = await verifySysReptorPassword(
        environment[CLI_PASSWORD_ENV] ?? '',
        decodeStoredPassword(user.password as Buffer, deploy.encryption.keys).hash,
      );
      return answer(0, `BREAKGLASS:${JSON.stringify({ accepted })}\n`);
    }
    if (request.terminal && command === 'shell' && rest[0] === '-c' && rest[1] === CHECK_TTY_CODE) {
      const user = await find();
      const tty = terminalOf(request);
      if (!user) {
        tty.write('PentestUser.DoesNotExist: PentestUser matching query does not exist.\n');
        return tty.result(1);
      }
      const typed = tty.ask(CHECK_PROMPT);
      if (typed === undefined) return tty.result(1, CHECK_PROMPT);
      const accepted = await verifySysReptorPassword(
        typed,
        decodeStoredPassword(user.password as Buffer, deploy.encryption.keys).hash,
      );
      tty.write(`BREAKGLASS:${JSON.stringify({ accepted })}\n`);
      return tty.result(0);
    }
    if (command === 'changepassword') {
      if (!request.terminal) return answer(1, '', 'GetPassWarning: Can not control echo on the terminal.\n');
      const name = rest[0] ?? '';
      const user = (
        await db.query('SELECT *, id::text AS id FROM users_pentestuser WHERE username = $1', [name])
      ).rows[0] as Record<string, unknown> | undefined;
      const tty = terminalOf(request);
      if (!user) {
        tty.write(`CommandError: user '${name}' does not exist\n`);
        return tty.result(1);
      }
      tty.write(`Changing password for user '${name}'\n`);
      for (let tries = 0; tries < 3; tries += 1) {
        const first = tty.ask(CHANGEPASSWORD_PROMPTS[0]);
        if (first === undefined) return tty.result(1, CHANGEPASSWORD_PROMPTS[0]);
        const again = tty.ask(CHANGEPASSWORD_PROMPTS[1]);
        if (again === undefined) return tty.result(1, CHANGEPASSWORD_PROMPTS[1]);
        if (first !== again) {
          tty.write('Passwords do not match. Please try again.\n');
          continue;
        }
        const errors = validatorErrors(first, user);
        if (errors.length > 0) {
          tty.write(`${errors.join('\n')}\n`);
          continue;
        }
        const write = planWrite(storedForm(user.password as Buffer), deploy);
        if (!write.ok) {
          tty.write(`sysreptor.utils.crypto.CryptoError: ${write.reason}\n`);
          return tty.result(1);
        }
        await db.query('UPDATE users_pentestuser SET password = $1, updated = now() WHERE id = $2', [
          encodeStoredPassword(await hashSysReptorPassword(first), write),
          user.id,
        ]);
        tty.write(`Password changed successfully for user '${name}'\n`);
        return tty.result(0);
      }
      tty.write(`CommandError: Aborting password change for user '${name}' after 3 attempts\n`);
      return tty.result(1);
    }
    if (command === 'createorupdateuser') {
      const password = environment[CLI_PASSWORD_ENV];
      if (!username || !password)
        return answer(1, '', 'CommandError: username and password (DJANGO_SUPERUSER_PASSWORD) must be set\n');
      // Python's len(): code points.
      if ([...password].length < CLI_MIN_PASSWORD_LENGTH)
        return answer(
          1,
          '',
          `CommandError: password must be at least ${CLI_MIN_PASSWORD_LENGTH} characters\n`,
        );
      const user = await find();
      const current = user ? (user.password as Buffer) : undefined;
      // A new user's value is written as the app writes any: with the default key when there is one.
      const write = planWrite(current ? storedForm(current) : { kind: 'encrypted', keyId: '' }, deploy);
      if (!write.ok) return answer(1, '', `sysreptor.utils.crypto.CryptoError: ${write.reason}\n`);
      const stored = encodeStoredPassword(await hashSysReptorPassword(password), write);
      if (user) {
        await db.query('UPDATE users_pentestuser SET password = $1, updated = now() WHERE id = $2', [
          stored,
          user.id,
        ]);
        return answer(0, 'User created or updated\n');
      }
      await db.query(
        `INSERT INTO users_pentestuser (last_login, is_superuser, username, first_name, last_name, is_staff, is_active, date_joined, id, created, updated,
           email, is_designer, is_template_editor, is_user_manager, is_guest, password, is_system_user, is_global_archiver, is_project_admin,
           must_change_password, color, can_login_local, failed_mfa_attempts)
         VALUES (NULL, false, $1, '', '', false, true, now(), $2, now(), now(), NULL, false, false, false, false, $3, false, false, false, false, '#888888', true, 0)`,
        [username, randomUUID(), stored],
      );
      return answer(0, 'User created or updated\n');
    }
    return answer(1, '', `Unknown command: '${command ?? ''}'\n`);
  } finally {
    await db.end();
  }
};
