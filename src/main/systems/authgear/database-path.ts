/**
 * Authgear's database path, only for when the Admin API cannot be reached: the server's own
 * password update done by hand in one guarded transaction scoped by app_id — the `$bcrypt-sha512$`
 * hash and expire_after, the authenticator's updated_at, a `_auth_password_history` row — with an
 * undo, and verified offline. Sessions and lockouts (Redis) and the disabled state are not touched.
 */
import { randomUUID } from 'node:crypto';
import type { Fact } from '../../../shared/procedure.js';
import { StepFailure, type Environment, type StepContext, type StepDefinition } from '../../engine/types.js';
import { renderSql } from '../../platform/db/sql.js';
import type { DbSession, DbSettings } from '../../platform/db/types.js';
import { hashAuthgearPassword, verifyAuthgearPassword, detectAuthgearHashFormat } from './hash.js';
import {
  findOneUser,
  findUsersByLoginIdSql,
  loginIdMismatch,
  onePrimaryPassword,
  passwordWriteSql,
  primaryPasswords,
  restorePassword,
  utcTimestamp,
  type AuthgearUser,
  type LoginIdKey,
  type SavedPassword,
} from './store.js';
import { databaseConnectStep } from '../database-connect-step.js';

export interface AuthgearDatabaseOptions {
  settings: DbSettings;
  schema: string;
  appId: string;
  loginIdKey: LoginIdKey;
  loginId: string;
  newPassword: string;
  setPasswordExpired: boolean;
  /** Secrets to mask in everything the steps write (database URL, key material). */
  secrets: string[];
}

const BACKUP_KEY = '_auth_authenticator_password';

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

export interface AuthgearDatabasePreview {
  facts: Fact[];
  warnings: string[];
  user?: AuthgearUser;
}

export async function previewAuthgearDatabase(
  options: AuthgearDatabaseOptions,
  env: Environment,
): Promise<AuthgearDatabasePreview> {
  const { settings, schema, appId } = options;
  try {
    return await withSession(env, settings, async (session) => {
      const user = await findOneUser(session, schema, appId, options.loginIdKey, options.loginId);
      const passwords = await primaryPasswords(session, schema, appId, user.id);
      const facts: Fact[] = [
        {
          label: `User with ${options.loginIdKey} "${options.loginId}"`,
          value: `id ${user.id}${user.isDisabled ? ', DISABLED' : ''}${user.isAnonymized ? ', anonymized' : ''}${user.deleteAt ? `, scheduled for deletion ${user.deleteAt}` : ''}`,
          status: user.isDisabled || user.isAnonymized ? 'warn' : 'ok',
        },
        {
          label: 'Primary passwords',
          value:
            passwords.length === 0
              ? 'none (the database path cannot create one)'
              : passwords
                  .map(
                    (p) =>
                      `${p.id}: ${detectAuthgearHashFormat(p.passwordHash)}${p.expireAfter ? `, expires after ${p.expireAfter} UTC` : ''}`,
                  )
                  .join('; '),
          status: passwords.length === 1 ? 'ok' : 'error',
        },
      ];
      const warnings: string[] = [];
      const mismatch = loginIdMismatch(user, options.loginId);
      if (mismatch) warnings.push(mismatch);
      if (user.isDisabled)
        warnings.push(
          'The user is disabled. Re-enabling must go through the Admin API (setDisabledStatus): the disabled state is derived from several columns, so the database path does not touch it.',
        );
      if (user.isAnonymized)
        warnings.push('The user is anonymized: the server refuses to reset its password; so should you.');
      return { facts, warnings, user };
    });
  } catch (error) {
    return {
      facts: [
        {
          label: 'Authgear database',
          value: `not readable while planning: ${(error as Error).message}`,
          status: 'error',
        },
      ],
      warnings: [],
    };
  }
}

export function authgearDatabaseSteps(
  options: AuthgearDatabaseOptions,
  preview: AuthgearUser | undefined,
): StepDefinition[] {
  const { settings, schema, appId } = options;
  const label = `postgres://${settings.host}:${settings.port ?? 5432}/${settings.database ?? ''}`;
  const secretsOf = (ctx: StepContext) => {
    ctx.addSecret(settings.password);
    options.secrets.forEach((value) => ctx.addSecret(value));
  };
  const find = (session: DbSession) =>
    findOneUser(session, schema, appId, options.loginIdKey, options.loginId);
  const holdsNew = (hash: string) => verifyAuthgearPassword(options.newPassword, hash);

  const connect = databaseConnectStep({
    product: 'Authgear',
    label,
    settings,
    fix: "Check the database settings (the secrets file's db item, or the database you entered).",
    registerSecrets: secretsOf,
  });

  const findUser: StepDefinition = {
    id: 'find-user',
    kind: 'check',
    title: `Find the one user of app "${appId}" with ${options.loginIdKey} "${options.loginId}" and its primary password`,
    describe: () => ({
      summary:
        'Looks up the login ID in this app only; the run stops unless exactly one user matches, it is not anonymized, and it has exactly one primary password.',
      sql: [
        {
          dialect: 'PostgreSQL',
          text: renderSql(
            findUsersByLoginIdSql(schema, appId, options.loginIdKey, options.loginId),
            'postgres',
          ).display,
        },
      ],
    }),
    async run(ctx) {
      secretsOf(ctx);
      await withSession(ctx.env, settings, async (session) => {
        const user = await find(session);
        if (user.isAnonymized)
          throw new StepFailure(`User ${user.id} is anonymized; Authgear refuses to reset its password.`);
        const authenticator = await onePrimaryPassword(session, schema, appId, user.id);
        ctx.log(
          `Found user ${user.id}${user.isDisabled ? ' (disabled: re-enable it with the Admin API)' : ''}; primary password ${authenticator.id}.`,
        );
        const mismatch = loginIdMismatch(user, options.loginId);
        if (mismatch) ctx.log(mismatch);
      });
    },
  };

  const display = passwordWriteSql(schema, {
    appId,
    userId: preview?.id ?? '<user id found in preflight>',
    authenticatorId: '<authenticator id found in preflight>',
    expectedHash: '',
    newHash: '',
    expireAfter: options.setPasswordExpired ? '<now, UTC>' : null,
    now: '<now, UTC>',
    historyId: '<new uuid>',
  }).map((fragment) => ({ dialect: 'PostgreSQL', text: renderSql(fragment, 'postgres').display }));

  const setPassword: StepDefinition = {
    id: 'set-password',
    kind: 'change',
    title: `Write the new password hash (app "${appId}")`,
    describe: () => ({
      summary:
        "Hashes the new password offline as the server does ($bcrypt-sha512$: bcrypt cost 10 over the 64 raw bytes of SHA-512) and makes the server's own password update in one transaction, each statement scoped by app_id.",
      details: [
        'The hash is replaced only while the row still holds the hash read just before (exactly one row).',
        options.setPasswordExpired
          ? 'expire_after = now: the user must change the password at the next login.'
          : 'expire_after = NULL: no change is forced (as resetPassword with setPasswordExpired false).',
        "The authenticator's updated_at is bumped and a _auth_password_history row is inserted, as the server does on every password update.",
        'Sessions and lockouts live in Redis: this path does not end sessions or clear a lockout (the Admin API does: revokeAllSessions, resetAccountLockout).',
        "The old values are kept in this run's backup file (mode 0600) so the change can be undone.",
      ],
      sql: display,
      undo: "Puts back the old hash, expire_after and updated_at, and deletes this run's history row, while the row still holds the hash this run wrote.",
    }),
    async run(ctx) {
      secretsOf(ctx);
      await withSession(ctx.env, settings, async (session) => {
        const user = await find(session);
        const authenticator = await onePrimaryPassword(session, schema, appId, user.id);
        await ctx.backup.saveValues(BACKUP_KEY, {
          appId,
          userId: user.id,
          authenticatorId: authenticator.id,
          passwordHash: authenticator.passwordHash,
          expireAfter: authenticator.expireAfter,
          updatedAt: authenticator.updatedAt,
          historyId: randomUUID(),
        } satisfies SavedPassword);
        const saved = (await ctx.backup.loadValues<SavedPassword>(BACKUP_KEY)) as SavedPassword;
        if (
          authenticator.passwordHash !== saved.passwordHash &&
          (await holdsNew(authenticator.passwordHash))
        ) {
          ctx.log(
            'The authenticator already holds the new password, changed since this run first read it (by an earlier attempt of this run, or by someone else since); nothing to do.',
          );
          return;
        }
        const now = utcTimestamp(new Date());
        const statements = passwordWriteSql(schema, {
          appId,
          userId: user.id,
          authenticatorId: authenticator.id,
          expectedHash: authenticator.passwordHash,
          newHash: await hashAuthgearPassword(options.newPassword),
          expireAfter: options.setPasswordExpired ? now : null,
          now,
          historyId: saved.historyId,
        });
        await session.guarded(
          statements.map((fragment) => ({ sql: renderSql(fragment, session.dialect), expectRows: 1 })),
        );
        ctx.log(
          `Updated authenticator ${authenticator.id} of user ${user.id} and added password-history row ${saved.historyId}.`,
        );
      });
    },
    async check(ctx) {
      await verifyStored(ctx, options);
    },
    async checkUndo(ctx) {
      const saved = await ctx.backup.loadValues<SavedPassword>(BACKUP_KEY);
      if (!saved) return;
      const current = await withSession(ctx.env, settings, (session) =>
        primaryPasswords(session, schema, appId, saved.userId),
      );
      const mine = current.find((authenticator) => authenticator.id === saved.authenticatorId);
      if (mine && mine.passwordHash !== saved.passwordHash && !(await holdsNew(mine.passwordHash)))
        throw new StepFailure(
          `The password of user ${saved.userId} was changed again after this run; undoing would overwrite that change.`,
        );
    },
    async undo(ctx) {
      secretsOf(ctx);
      const saved = await ctx.backup.loadValues<SavedPassword>(BACKUP_KEY);
      if (!saved) {
        ctx.log('Nothing was changed; nothing to undo.');
        return;
      }
      ctx.log(
        await withSession(ctx.env, settings, (session) => restorePassword(session, schema, saved, holdsNew)),
      );
    },
  };

  const verify: StepDefinition = {
    id: 'verify-password',
    kind: 'verify',
    title: 'Prove the new password against the stored hash',
    describe: () => ({
      summary: `Reads the authenticator back in a fresh connection and checks its hash against the new password${options.setPasswordExpired ? ' and that it is expired (a change is forced at the next login)' : ''}.`,
    }),
    async run(ctx) {
      secretsOf(ctx);
      const id = await verifyStored(ctx, options);
      ctx.log(`Authenticator ${id}: its hash accepts the new password.`);
    },
  };

  return [connect, findUser, setPassword, verify];
}

async function verifyStored(ctx: StepContext, options: AuthgearDatabaseOptions): Promise<string> {
  const { settings, schema, appId } = options;
  const authenticator = await withSession(ctx.env, settings, async (session) => {
    const user = await findOneUser(session, schema, appId, options.loginIdKey, options.loginId);
    return onePrimaryPassword(session, schema, appId, user.id);
  });
  if (
    detectAuthgearHashFormat(authenticator.passwordHash) !== 'bcrypt-sha512' ||
    !(await verifyAuthgearPassword(options.newPassword, authenticator.passwordHash))
  )
    throw new StepFailure(
      'The stored hash does not verify against the new password.',
      'Retry the step; if it fails again, roll back.',
    );
  if (options.setPasswordExpired !== (authenticator.expireAfter !== null))
    throw new StepFailure(
      `expire_after is ${authenticator.expireAfter ?? 'NULL'}, not what the plan set.`,
      'Retry the step.',
    );
  return authenticator.id;
}
