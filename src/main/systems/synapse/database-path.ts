/**
 * Synapse's database path (seed 004 option 2, without the container's hash_password): the bcrypt
 * hash made offline with the server's pepper and rounds, written by a guarded one-row UPDATE of
 * `users` (unlock / reactivate in the same statement when asked); then, optionally and previewed,
 * the session revocation Synapse's own logout_devices does, and a restart, because Synapse caches
 * token lookups and the locked / deactivated flags per process. Undo restores the old hash.
 */
import type { Fact } from '../../../shared/procedure.js';
import { StepFailure, type Environment, type StepContext, type StepDefinition } from '../../engine/types.js';
import { renderSql } from '../../platform/db/sql.js';
import type { DbSession, DbSettings } from '../../platform/db/types.js';
import { hashSynapsePassword, verifySynapsePassword } from './hash.js';
import type { Homeserver } from './homeserver.js';
import type { Mxid } from './mxid.js';
import { restartSteps } from './restart-step.js';
import type { SynapseRuntime } from './runtime.js';
import {
  countSessions,
  findUser,
  findUserSql,
  lookupUser,
  restoreUser,
  revokeSessions,
  revokeSessionsSql,
  updateUserSql,
  type SavedUser,
  type SynapseUser,
} from './users.js';
import { databaseConnectStep } from '../database-connect-step.js';

export interface DatabasePathOptions {
  homeserver: Homeserver;
  settings: DbSettings;
  mxid: Mxid;
  newPassword: string;
  revokeSessions: boolean;
  unlock: boolean;
  reactivate: boolean;
  runtime: SynapseRuntime;
}

const BACKUP_KEY = 'synapse-users-row';

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

/** Why this user cannot get a working password by this path alone (deactivated / locked without the follow-up asked). */
export function flagProblem(
  user: SynapseUser,
  options: { unlock: boolean; reactivate: boolean },
): { field: string; message: string } | undefined {
  if (user.deactivated && !options.reactivate)
    return {
      field: 'reactivate',
      message: `${user.name} is deactivated: its login stays refused (403 M_USER_DEACTIVATED) whatever the password. Set reactivate: true to reactivate it too (its email addresses were removed at deactivation and are not restored).`,
    };
  if (user.locked && !options.unlock)
    return {
      field: 'unlock',
      message: `${user.name} is locked: its login stays refused (401 M_USER_LOCKED) whatever the password. Set unlock: true to unlock it too.`,
    };
  return undefined;
}

export interface DatabasePreview {
  facts: Fact[];
  warnings: string[];
  user?: SynapseUser;
  /** A problem with the input that stops the plan (field + message). */
  problem?: { field: string; message: string };
}

export async function previewDatabasePath(
  options: DatabasePathOptions,
  env: Environment,
): Promise<DatabasePreview> {
  const { mxid, settings } = options;
  try {
    return await withSession(env, settings, async (session) => {
      const { user, lookalikes } = await lookupUser(session, mxid.full);
      if (!user)
        return {
          facts: [],
          warnings: [],
          problem: {
            field: 'user',
            message:
              lookalikes.length > 0
                ? `no user is named exactly ${mxid.full}; differing only in case: ${lookalikes.join(', ')}. Give the MXID exactly as stored.`
                : `no user ${mxid.full} exists in ${settings.database ?? 'the database'} on ${settings.host}.`,
          },
        };
      const sessions = await countSessions(session, mxid.full);
      const facts: Fact[] = [
        {
          label: `User ${mxid.full}`,
          value: `${user.admin ? 'server admin, ' : ''}${user.deactivated ? 'DEACTIVATED' : 'active'}${user.locked ? ', LOCKED' : ''}, ${user.passwordHash ? 'has a password hash' : 'no password hash (NULL)'}`,
          status: user.deactivated || user.locked ? 'warn' : 'ok',
        },
        {
          label: 'Sessions of this user',
          value: `${sessions.accessTokens} access token(s), ${sessions.refreshTokens} refresh token(s), ${sessions.devices} device(s)`,
          status: 'info',
        },
      ];
      const warnings: string[] = [];
      if (lookalikes.length > 0)
        warnings.push(
          `Other users differ from ${mxid.full} only in case (${lookalikes.join(', ')}): Synapse's login matches names case-insensitively, so this user must log in with the exact MXID; the update touches only the row named exactly ${mxid.full}.`,
        );
      if (!options.revokeSessions && sessions.accessTokens + sessions.refreshTokens > 0)
        warnings.push(
          `This path logs no one out: the ${sessions.accessTokens} access token(s) of ${mxid.full} keep working. Set revokeSessions: true to delete them (and its refresh tokens) as a previewed step.`,
        );
      return { facts, warnings, user, problem: flagProblem(user, options) };
    });
  } catch (error) {
    return {
      facts: [
        {
          label: 'Synapse database',
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
  preview: SynapseUser | undefined,
): StepDefinition[] {
  const { homeserver, settings, mxid } = options;
  const label = `postgres://${settings.host}:${settings.port ?? 5432}/${settings.database ?? ''}`;
  const secretsOf = (ctx: StepContext) => {
    ctx.addSecret(settings.password);
    homeserver.secrets.forEach((value) => ctx.addSecret(value));
  };
  const holdsNewPassword = async (hash: string | null) =>
    hash !== null &&
    (await verifySynapsePassword(options.newPassword, hash, { pepper: homeserver.passwordConfig.pepper }));

  const connect = databaseConnectStep({
    product: 'Synapse',
    label,
    settings,
    fix: "Check database.host/port (where this machine reaches Synapse's PostgreSQL), the user and the password in homeserver.yaml's database.args.",
    registerSecrets: secretsOf,
  });

  const find: StepDefinition = {
    id: 'find-user',
    kind: 'check',
    title: `Find the user ${mxid.full}`,
    describe: () => ({
      summary: `Looks up ${mxid.full} (exactly; case look-alikes are listed, since Synapse's login matches lower(name)), and checks it is not deactivated or locked unless that is to be lifted too.`,
      sql: [{ dialect: 'PostgreSQL', text: renderSql(findUserSql(mxid.full), 'postgres').display }],
    }),
    async run(ctx) {
      secretsOf(ctx);
      await withSession(ctx.env, settings, async (session) => {
        const user = await findUser(session, mxid.full);
        const problem = flagProblem(user, options);
        if (problem) throw new StepFailure(problem.message);
        ctx.log(
          `Found ${user.name} (${user.deactivated ? 'deactivated' : 'active'}${user.locked ? ', locked' : ''}).`,
        );
      });
    },
  };

  const assignments = [
    `password_hash = bcrypt $2b$ with ${homeserver.bcryptRounds} rounds over NFKC(password) + the pepper, cut to 72 bytes (as Synapse hashes)`,
    ...(options.unlock ? ['locked = FALSE'] : []),
    ...(options.reactivate ? ['deactivated = 0'] : []),
  ];
  const setHash: StepDefinition = {
    id: 'set-password-hash',
    kind: 'change',
    title: `Write the new password hash for ${mxid.full}`,
    describe: () => ({
      summary:
        'Hashes the new password offline and updates exactly one users row in one transaction, only while it still holds the hash read just before.',
      details: [
        ...assignments.map((line) => `Sets ${line}.`),
        'Synapse reads the hash uncached at every login: the new password works at once, without a restart.',
        "The old hash and flags are kept in this run's backup file (mode 0600) so the change can be undone.",
      ],
      sql: [
        {
          dialect: 'PostgreSQL',
          text: renderSql(
            updateUserSql({
              name: mxid.full,
              expectedHash: preview?.passwordHash ?? null,
              newHash: '',
              unlock: options.unlock,
              reactivate: options.reactivate,
            }),
            'postgres',
          ).display,
        },
      ],
      undo: 'Puts back the old password hash (and the locked / deactivated flags), while the row still holds the hash this run wrote.',
    }),
    async run(ctx) {
      secretsOf(ctx);
      await withSession(ctx.env, settings, async (session) => {
        const user = await findUser(session, mxid.full);
        const saved: SavedUser = {
          name: user.name,
          passwordHash: user.passwordHash,
          deactivated: user.deactivated,
          locked: user.locked,
        };
        await ctx.backup.saveValues(BACKUP_KEY, saved);
        const original = await ctx.backup.loadValues<SavedUser>(BACKUP_KEY);
        if (
          user.passwordHash !== original?.passwordHash &&
          (await holdsNewPassword(user.passwordHash)) &&
          (!options.unlock || !user.locked) &&
          (!options.reactivate || !user.deactivated)
        ) {
          ctx.log(
            'The row already holds the new password (an earlier attempt of this run wrote it); nothing to do.',
          );
          return;
        }
        const newHash = await hashSynapsePassword(options.newPassword, {
          pepper: homeserver.passwordConfig.pepper,
          rounds: homeserver.bcryptRounds,
        });
        await session.guarded([
          {
            sql: renderSql(
              updateUserSql({
                name: user.name,
                expectedHash: user.passwordHash,
                newHash,
                unlock: options.unlock,
                reactivate: options.reactivate,
              }),
              session.dialect,
            ),
            expectRows: 1,
          },
        ]);
        ctx.log(`UPDATE 1: ${user.name} holds the new hash (${homeserver.bcryptRounds} rounds).`);
      });
    },
    async check(ctx) {
      await verifyRow(ctx, options);
    },
    async checkUndo(ctx) {
      const saved = await ctx.backup.loadValues<SavedUser>(BACKUP_KEY);
      if (!saved) return;
      const { user } = await withSession(ctx.env, settings, (session) => lookupUser(session, saved.name));
      if (user && user.passwordHash !== saved.passwordHash && !(await holdsNewPassword(user.passwordHash)))
        throw new StepFailure(
          `${saved.name}'s password was changed again after this run; undoing would overwrite that change.`,
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
        await withSession(ctx.env, settings, (session) => restoreUser(session, saved, holdsNewPassword)),
      );
    },
  };

  const steps: StepDefinition[] = [connect, find, setHash];
  if (options.revokeSessions)
    steps.push({
      id: 'revoke-sessions',
      kind: 'change',
      title: `End the sessions of ${mxid.full}`,
      describe: () => ({
        summary:
          "Deletes the user's access tokens and refresh tokens, as Synapse's own logout_devices does, each delete checked against the count read just before.",
        details: [
          'Devices stay listed: deleting devices rows by SQL would skip the end-to-end key cleanup and the device-list update Synapse sends.',
          'Synapse caches token lookups per process: tokens already used keep working until Synapse restarts (the next step).',
          'Cannot be undone: the clients log in again.',
        ],
        sql: revokeSessionsSql(mxid.full).map((fragment) => ({
          dialect: 'PostgreSQL',
          text: renderSql(fragment, 'postgres').display,
        })),
      }),
      async run(ctx) {
        secretsOf(ctx);
        await withSession(ctx.env, settings, async (session) => {
          const counts = await countSessions(session, mxid.full);
          await revokeSessions(session, mxid.full, counts);
          ctx.log(
            `Deleted ${counts.accessTokens} access token(s) and ${counts.refreshTokens} refresh token(s) of ${mxid.full}; ${counts.devices} device(s) stay listed.`,
          );
        });
      },
      async check(ctx) {
        const counts = await withSession(ctx.env, settings, (session) => countSessions(session, mxid.full));
        if (counts.accessTokens + counts.refreshTokens > 0)
          throw new StepFailure(
            `${mxid.full} still has ${counts.accessTokens} access and ${counts.refreshTokens} refresh token(s) (a new login meanwhile?).`,
            'Retry the step.',
          );
      },
    });
  if (options.revokeSessions || options.unlock || options.reactivate)
    steps.push(
      ...restartSteps(
        options.runtime,
        [
          ...(options.revokeSessions ? ['the deleted tokens'] : []),
          ...(options.unlock ? ['the unlock'] : []),
          ...(options.reactivate ? ['the reactivation'] : []),
        ].join(', '),
      ),
    );
  steps.push({
    id: 'verify-password',
    kind: 'verify',
    title: 'Prove the new password against the stored hash',
    describe: () => ({
      summary:
        'Reads the row back in a fresh connection and checks its bcrypt hash against the new password with the pepper, as Synapse does at login.',
    }),
    async run(ctx) {
      secretsOf(ctx);
      const user = await verifyRow(ctx, options);
      ctx.log(
        `${user.name}: the stored hash accepts the new password; locked = ${user.locked}, deactivated = ${user.deactivated ? 1 : 0}.`,
      );
    },
  });
  return steps;
}

async function verifyRow(ctx: StepContext, options: DatabasePathOptions): Promise<SynapseUser> {
  const user = await withSession(ctx.env, options.settings, (session) =>
    findUser(session, options.mxid.full),
  );
  if (
    !user.passwordHash ||
    !(await verifySynapsePassword(options.newPassword, user.passwordHash, {
      pepper: options.homeserver.passwordConfig.pepper,
    }))
  )
    throw new StepFailure(
      'The stored hash does not verify against the new password.',
      'Retry the step; if it fails again, roll back.',
    );
  if ((options.unlock && user.locked) || (options.reactivate && user.deactivated))
    throw new StepFailure(`${user.name} is still locked or deactivated.`, 'Retry the step.');
  return user;
}
