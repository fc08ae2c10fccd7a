/**
 * SysReptor's last-resort path: the new Django hash written straight into `users_pentestuser`,
 * in the form the current value has (plain, or the AES-GCM envelope with app.env's default key),
 * with must_change_password, reactivation (is_active, failed_mfa_attempts = 0) and `updated` in
 * the same guarded one-row UPDATE; undo puts the saved row back. Verified offline against the row.
 */
import type { Fact } from '../../../shared/procedure.js';
import { StepFailure, type Environment, type StepContext, type StepDefinition } from '../../engine/types.js';
import { renderSql } from '../../platform/db/sql.js';
import type { DbSession, DbSettings } from '../../platform/db/types.js';
import type { SysReptorDeploy } from './deploy.js';
import { hashSysReptorPassword, verifySysReptorPassword, detectSysReptorHashFormat } from './hash.js';
import {
  decodeStoredPassword,
  describeForm,
  encodeStoredPassword,
  planWrite,
  type StoredForm,
} from './password-field.js';
import { isEnvelope, readEnvelopeHeader } from './encryption.js';
import {
  apiTokensSql,
  countLiveSessions,
  findUser,
  findUserSql,
  listApiTokens,
  readUserById,
  restoreUser,
  savedUser,
  updateUserSql,
  type SavedUser,
  type SysReptorUser,
} from './users.js';
import { databaseConnectStep } from '../database-connect-step.js';

export interface DatabasePathOptions {
  deploy: SysReptorDeploy;
  settings: DbSettings;
  username: string;
  newPassword: string;
  mustChangePassword: boolean;
  reactivate: boolean;
}

const BACKUP_KEY = 'users_pentestuser';

async function withSession<T>(
  env: Environment,
  settings: DbSettings,
  work: (session: DbSession) => Promise<T>,
): Promise<T> {
  const session = await env.db.connect(settings);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** The stored value's form without decrypting it (the key may be missing). */
export function storedForm(stored: Buffer): StoredForm {
  return isEnvelope(stored)
    ? { kind: 'encrypted', keyId: readEnvelopeHeader(stored).header.keyId }
    : { kind: 'plain' };
}

/** True when the stored value (decrypted with app.env's keys) accepts the password. */
async function holdsPassword(stored: Buffer, deploy: SysReptorDeploy, password: string): Promise<boolean> {
  try {
    return await verifySysReptorPassword(password, decodeStoredPassword(stored, deploy.encryption.keys).hash);
  } catch {
    return false;
  }
}

export interface DatabasePreview {
  facts: Fact[];
  warnings: string[];
  user?: SysReptorUser;
  /** Why the write cannot be done safely, when the current value says so already while planning. */
  refusal?: string;
}

/** Read-only look while planning: the user, the form of its stored value, its API tokens, the live sessions. */
export async function previewDatabasePath(
  options: DatabasePathOptions,
  env: Environment,
): Promise<DatabasePreview> {
  const { deploy, settings, username } = options;
  const schema = deploy.database.schema;
  try {
    return await withSession(env, settings, async (session) => {
      const user = await findUser(session, schema, username);
      const form = storedForm(user.password);
      const write = planWrite(form, deploy);
      const tokens = await listApiTokens(session, schema, user.id);
      const sessions = await countLiveSessions(session, schema);
      let format = 'cannot be decrypted with the keys in app.env';
      try {
        format = detectSysReptorHashFormat(decodeStoredPassword(user.password, deploy.encryption.keys).hash);
      } catch {
        // Reported as the format text above; the write itself needs only the default key.
      }
      const facts: Fact[] = [
        {
          label: `User "${username}"`,
          value: `id ${user.id}, ${user.isActive ? 'active' : 'DISABLED'}${user.isSuperuser ? ', superuser' : ''}${user.isUserManager ? ', user manager' : ''}${user.isSystemUser ? ', SYSTEM USER' : ''}, failed MFA attempts ${user.failedMfaAttempts}, must change password ${user.mustChangePassword}`,
          status: user.isActive ? 'ok' : 'warn',
        },
        { label: 'Stored password', value: `${describeForm(form)}, hash format ${format}`, status: 'info' },
        {
          label: 'New value will be written as',
          value: write.ok
            ? write.form === 'plain'
              ? 'plain Django hash (as now)'
              : `AES-GCM envelope with the default key "${write.key.id}"`
            : 'cannot be written safely',
          status: write.ok ? 'ok' : 'error',
        },
        {
          label: 'API tokens of this user (keep working)',
          value:
            tokens.length === 0
              ? 'none'
              : tokens
                  .map(
                    (token) =>
                      `"${token.name}" (id ${token.id}, last used ${token.lastUsed ?? 'never'}${token.expireDate ? `, expires ${token.expireDate}` : ''})`,
                  )
                  .join('; '),
          status: tokens.length === 0 ? 'info' : 'warn',
        },
        { label: 'Live browser sessions (all users)', value: String(sessions), status: 'info' },
      ];
      const warnings: string[] = [];
      if (user.isSystemUser)
        warnings.push(
          `"${username}" is a system user: SysReptor's own API refuses to change it; the database path does not check.`,
        );
      if (tokens.length > 0)
        warnings.push(
          `${tokens.length} API token(s) of "${username}" keep working after the reset (listed in the facts); revoke them under the user's API tokens if they may be compromised.`,
        );
      return { facts, warnings, user, refusal: write.ok ? undefined : write.reason };
    });
  } catch (error) {
    return {
      facts: [
        {
          label: 'SysReptor database',
          value: `not readable while planning: ${(error as Error).message}`,
          status: 'error',
        },
      ],
      warnings: [],
    };
  }
}

export function databasePathSteps(
  options: DatabasePathOptions,
  preview: SysReptorUser | undefined,
): StepDefinition[] {
  const { deploy, settings, username } = options;
  const schema = deploy.database.schema;
  const label = `postgres://${settings.host}:${settings.port ?? 5432}/${settings.database ?? ''}`;
  const secretsOf = (ctx: StepContext) => {
    ctx.addSecret(settings.password);
    deploy.secrets.forEach((value) => ctx.addSecret(value));
  };

  const connect = databaseConnectStep({
    product: 'SysReptor',
    label,
    settings,
    fix: 'Check database.host/port (where this machine reaches the compose "db" service), the user and the password in .env.',
    registerSecrets: secretsOf,
  });

  const find: StepDefinition = {
    id: 'find-user',
    kind: 'check',
    title: `Find the user named exactly "${username}" and check the new value can be written`,
    describe: () => ({
      summary: `Looks up "${username}" (exact, case-sensitive, as SysReptor's login matches), then checks the form of its stored password: an encrypted value needs app.env's default encryption key.`,
      sql: [{ dialect: 'PostgreSQL', text: renderSql(findUserSql(schema, username), 'postgres').display }],
    }),
    async run(ctx) {
      secretsOf(ctx);
      await withSession(ctx.env, settings, async (session) => {
        const user = await findUser(session, schema, username);
        const form = storedForm(user.password);
        const write = planWrite(form, deploy);
        if (!write.ok) throw new StepFailure(write.reason);
        ctx.log(
          `Found id ${user.id} (${user.isActive ? 'active' : 'disabled'}); stored as ${describeForm(form)}.`,
        );
        const tokens = await session.query(renderSql(apiTokensSql(schema, user.id), 'postgres'));
        ctx.log(`${tokens.length} API token(s) of this user will keep working.`);
      });
    },
  };

  const assignments = [
    'password = the new Argon2 hash (argon2id, Django parameters, 22-character salt), in the same form as the current value',
    `must_change_password = ${options.mustChangePassword}${deploy.edition === 'community' ? ' (the Community edition ignores it)' : ''}`,
    ...(options.reactivate
      ? [
          'is_active = TRUE (re-enables the user)',
          'failed_mfa_attempts = 0 (SysReptor clears it on reactivation through its ORM; no signal fires on this path, so it is set here)',
        ]
      : []),
    "updated = now() (as Django's auto_now does)",
  ];

  const setPassword: StepDefinition = {
    id: 'set-password',
    kind: 'change',
    title: `Write the new password hash for "${username}"`,
    describe: () => ({
      summary: `Hashes the new password offline and updates exactly one users_pentestuser row in one transaction, only while it still holds the value read just before.`,
      details: [
        ...assignments.map((line) => `Sets ${line}.`),
        'Every browser session of this user ends: Django ties a session to the password hash.',
        'API tokens keep working; this path skips the licence user-count check that re-enabling through the API runs.',
        "The old row values are kept in this run's backup file (mode 0600) so the change can be undone.",
      ],
      sql: [
        {
          dialect: 'PostgreSQL',
          text: renderSql(
            updateUserSql(schema, {
              id: preview?.id ?? '<id found in preflight>',
              expectedPassword: Buffer.alloc(0),
              password: Buffer.alloc(0),
              mustChangePassword: options.mustChangePassword,
              reactivate: options.reactivate,
            }),
            'postgres',
          ).display,
        },
      ],
      undo: 'Puts back the old password value, must_change_password, is_active, failed_mfa_attempts and updated, while the row still holds the value this run wrote.',
    }),
    async run(ctx) {
      secretsOf(ctx);
      await withSession(ctx.env, settings, async (session) => {
        const user = await findUser(session, schema, username);
        await ctx.backup.saveValues(BACKUP_KEY, savedUser(user));
        const original = await ctx.backup.loadValues<SavedUser>(BACKUP_KEY);
        // Only a value that moved since this run first saw the row can be an earlier attempt's write.
        const movedSinceFirstAttempt = !user.password.equals(
          Buffer.from(original?.passwordBase64 ?? '', 'base64'),
        );
        if (
          movedSinceFirstAttempt &&
          (await holdsPassword(user.password, deploy, options.newPassword)) &&
          user.mustChangePassword === options.mustChangePassword &&
          (!options.reactivate || (user.isActive && user.failedMfaAttempts === 0))
        ) {
          ctx.log(
            'The row already holds the new password and flags, changed since this run first read it (by an earlier attempt of this run, or by someone else since); nothing to do.',
          );
          return;
        }
        const write = planWrite(storedForm(user.password), deploy);
        if (!write.ok) throw new StepFailure(write.reason);
        const stored = encodeStoredPassword(await hashSysReptorPassword(options.newPassword), write);
        await session.guarded([
          {
            sql: renderSql(
              updateUserSql(schema, {
                id: user.id,
                expectedPassword: user.password,
                password: stored,
                mustChangePassword: options.mustChangePassword,
                reactivate: options.reactivate,
              }),
              session.dialect,
            ),
            expectRows: 1,
          },
        ]);
        ctx.log(
          `Updated 1 row (id ${user.id}); stored as ${write.form === 'plain' ? 'a plain Django hash' : `an AES-GCM envelope with key "${write.key.id}"`}.`,
        );
      });
    },
    async check(ctx) {
      await verifyRow(ctx, options);
    },
    async checkUndo(ctx) {
      const saved = await ctx.backup.loadValues<SavedUser>(BACKUP_KEY);
      if (!saved) return;
      const current = await withSession(ctx.env, settings, (session) =>
        readUserById(session, schema, saved.id),
      );
      if (
        current &&
        !current.password.equals(Buffer.from(saved.passwordBase64, 'base64')) &&
        !(await holdsPassword(current.password, deploy, options.newPassword))
      )
        throw new StepFailure(
          `User ${saved.id}'s password was changed again after this run; undoing would overwrite that change.`,
        );
    },
    async undo(ctx) {
      secretsOf(ctx);
      const saved = await ctx.backup.loadValues<SavedUser>(BACKUP_KEY);
      if (!saved) {
        ctx.log('Nothing was changed; nothing to undo.');
        return;
      }
      ctx.log(
        await withSession(ctx.env, settings, (session) =>
          restoreUser(session, schema, saved, (stored) => holdsPassword(stored, deploy, options.newPassword)),
        ),
      );
    },
  };

  const verify: StepDefinition = {
    id: 'verify-password',
    kind: 'verify',
    title: 'Prove the new password against the stored row',
    describe: () => ({
      summary: `Reads the row back in a fresh connection, decrypts it with app.env's keys where it is encrypted, and checks the Django hash against the new password and the flags against the plan.`,
    }),
    async run(ctx) {
      secretsOf(ctx);
      const user = await verifyRow(ctx, options);
      ctx.log(
        `"${user.username}" (id ${user.id}): the stored value accepts the new password; must_change_password = ${user.mustChangePassword}, is_active = ${user.isActive}.`,
      );
    },
  };

  return [connect, find, setPassword, verify];
}

async function verifyRow(ctx: StepContext, options: DatabasePathOptions): Promise<SysReptorUser> {
  const { deploy, settings } = options;
  const user = await withSession(ctx.env, settings, (session) =>
    findUser(session, deploy.database.schema, options.username),
  );
  if (!(await holdsPassword(user.password, deploy, options.newPassword)))
    throw new StepFailure(
      'The stored value does not verify against the new password.',
      'Retry the step; if it fails again, roll back.',
    );
  if (user.mustChangePassword !== options.mustChangePassword)
    throw new StepFailure(
      `must_change_password is ${user.mustChangePassword}, not ${options.mustChangePassword}.`,
      'Retry the step.',
    );
  if (options.reactivate && (!user.isActive || user.failedMfaAttempts !== 0))
    throw new StepFailure(
      `User ${user.id} is still disabled or has failed MFA attempts counted.`,
      'Retry the step.',
    );
  return user;
}
