/**
 * The MAS database path, for homeservers behind Matrix Authentication Service: a new
 * user_passwords row hashed with the highest scheme of MAS's config.yaml (an INSERT: MAS takes the
 * newest row), with unlock / reactivation in the same guarded transaction when asked, and,
 * optionally and previewed, the user's live sessions finished. Undo deletes the row this run
 * inserted (the previous password is active again) and restores the flags.
 */
import { randomUUID } from 'node:crypto';
import type { Fact } from '../../../shared/procedure.js';
import { StepFailure, type Environment, type StepContext, type StepDefinition } from '../../engine/types.js';
import { renderSql, sql } from '../../platform/db/sql.js';
import type { DbSession, DbSettings, GuardedStatement } from '../../platform/db/types.js';
import { currentScheme, type MasConfig } from './mas-config.js';
import { hashMasPassword, verifyMasPassword } from './mas-hash.js';
import {
  activePassword,
  countLiveSessions,
  findMasUser,
  findMasUserSql,
  finishSessionsSql,
  insertPasswordSql,
  liftFlagsSql,
  type MasUser,
} from './mas-users.js';
import type { Mxid } from './mxid.js';

export interface MasDatabaseOptions {
  config: MasConfig;
  settings: DbSettings;
  mxid: Mxid;
  newPassword: string;
  revokeSessions: boolean;
  unlock: boolean;
  reactivate: boolean;
}

interface SavedMasChange {
  userId: string;
  passwordId: string;
  lockedAt: string | null;
  deactivatedAt: string | null;
}

const BACKUP_KEY = 'mas-user-password';

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

function flagProblem(
  user: MasUser,
  options: MasDatabaseOptions,
): { field: string; message: string } | undefined {
  if (user.deactivatedAt && !options.reactivate)
    return {
      field: 'reactivate',
      message: `MAS user "${user.username}" is deactivated (since ${user.deactivatedAt}): set reactivate: true to reactivate it too.`,
    };
  if (user.lockedAt && !options.unlock)
    return {
      field: 'unlock',
      message: `MAS user "${user.username}" is locked (since ${user.lockedAt}): set unlock: true to unlock it too.`,
    };
  return undefined;
}

export async function previewMasDatabase(
  options: MasDatabaseOptions,
  env: Environment,
): Promise<{ facts: Fact[]; warnings: string[]; problem?: { field: string; message: string } }> {
  const scheme = currentScheme(options.config);
  const facts: Fact[] = [
    { label: 'MAS config', value: options.config.file, status: 'info' },
    {
      label: 'MAS password scheme for new passwords',
      value: `version ${scheme.version}, ${scheme.algorithm}${scheme.secret ? ', with a secret' : ''}${scheme.unicodeNormalization ? ', NFKC' : ''}`,
      status: 'info',
    },
  ];
  try {
    return await withSession(env, options.settings, async (session) => {
      const [row] = await session.query(renderSql(findMasUserSql(options.mxid.localpart), session.dialect));
      if (!row)
        return {
          facts,
          warnings: [],
          problem: { field: 'user', message: `MAS has no user "${options.mxid.localpart}".` },
        };
      const user = await findMasUser(session, options.mxid.localpart);
      const active = await activePassword(session, user.id);
      const sessions = await countLiveSessions(session, user.id);
      facts.push(
        {
          label: `MAS user "${user.username}"`,
          value: `id ${user.id}, ${user.deactivatedAt ? 'DEACTIVATED' : 'active'}${user.lockedAt ? ', LOCKED' : ''}, ${active ? `active password scheme version ${active.version}` : 'no password yet'}`,
          status: user.deactivatedAt || user.lockedAt ? 'warn' : 'ok',
        },
        {
          label: 'Live MAS sessions of this user',
          value: `${sessions.compat_sessions} compatibility (Matrix clients), ${sessions.oauth2_sessions} OAuth 2, ${sessions.user_sessions} browser`,
          status: 'info',
        },
      );
      const warnings: string[] = [];
      const live = sessions.compat_sessions + sessions.oauth2_sessions + sessions.user_sessions;
      if (!options.revokeSessions && live > 0)
        warnings.push(
          `Setting a MAS password ends no session: ${live} live session(s) of "${user.username}" stay logged in. Set revokeSessions: true to finish them.`,
        );
      return { facts, warnings, problem: flagProblem(user, options) };
    });
  } catch (error) {
    facts.push({
      label: 'MAS database',
      value: `not readable while planning: ${(error as Error).message}`,
      status: 'error',
    });
    return { facts, warnings: [] };
  }
}

export function masDatabaseSteps(options: MasDatabaseOptions): StepDefinition[] {
  const { config, settings, mxid } = options;
  const scheme = currentScheme(config);
  const username = mxid.localpart;
  const secretsOf = (ctx: StepContext) => {
    ctx.addSecret(settings.password);
    config.secrets.forEach((value) => ctx.addSecret(value));
  };
  const label = `postgres://${settings.host}:${settings.port ?? 5432}/${settings.database ?? ''}`;

  const steps: StepDefinition[] = [
    {
      id: 'connect-mas-database',
      kind: 'check',
      title: "Connect to MAS's database",
      describe: () => ({
        summary: `Opens a connection to ${label} as ${settings.user} and reads the server version.`,
      }),
      async run(ctx) {
        secretsOf(ctx);
        const result = await ctx.env.db.test(settings);
        if (!result.ok)
          throw new StepFailure(
            `MAS's database cannot be reached (${result.kind}): ${result.message}`,
            "Check database.host/port and the credentials of MAS's config.yaml.",
          );
        ctx.log(`Connected: ${result.serverVersion}`);
      },
    },
    {
      id: 'find-mas-user',
      kind: 'check',
      title: `Find the MAS user "${username}"`,
      describe: () => ({
        summary: `Looks up "${username}" in MAS's users table and checks it is not locked or deactivated unless that is to be lifted too.`,
        sql: [{ dialect: 'PostgreSQL', text: renderSql(findMasUserSql(username), 'postgres').display }],
      }),
      async run(ctx) {
        secretsOf(ctx);
        const user = await withSession(ctx.env, settings, (session) => findMasUser(session, username));
        const problem = flagProblem(user, options);
        if (problem) throw new StepFailure(problem.message);
        ctx.log(`Found MAS user ${user.id}.`);
      },
    },
    {
      id: 'set-mas-password',
      kind: 'change',
      title: `Add the new password of "${username}" in MAS`,
      describe: () => {
        const lift = liftFlagsSql('<user id>', options);
        return {
          summary: `Inserts a user_passwords row hashed with scheme version ${scheme.version} (${scheme.algorithm}); MAS uses the newest row, so this becomes the password at the next login.`,
          details: [
            'An INSERT, never an UPDATE: the older rows stay, and undo deletes only the row this run added.',
            ...(lift ? ['In the same transaction it lifts the lock / deactivation asked for.'] : []),
          ],
          sql: [
            {
              dialect: 'PostgreSQL',
              text: renderSql(insertPasswordSql('<new id>', '<user id>', '', scheme.version), 'postgres')
                .display,
            },
            ...(lift ? [{ dialect: 'PostgreSQL', text: renderSql(lift, 'postgres').display }] : []),
          ],
          undo: 'Deletes the row this run inserted (the previous password is active again) and restores locked_at / deactivated_at.',
        };
      },
      async run(ctx) {
        secretsOf(ctx);
        await withSession(ctx.env, settings, async (session) => {
          const user = await findMasUser(session, username);
          const saved = await ctx.backup.loadValues<SavedMasChange>(BACKUP_KEY);
          if (saved && (await activePassword(session, user.id))?.id === saved.passwordId) {
            ctx.log(
              'The password this run inserted is already the active one (an earlier attempt); nothing to do.',
            );
            return;
          }
          const change: SavedMasChange = {
            userId: user.id,
            passwordId: randomUUID(),
            lockedAt: user.lockedAt,
            deactivatedAt: user.deactivatedAt,
          };
          await ctx.backup.saveValues(BACKUP_KEY, change);
          const first = (await ctx.backup.loadValues<SavedMasChange>(BACKUP_KEY)) ?? change;
          const hash = await hashMasPassword(options.newPassword, scheme);
          const statements: GuardedStatement[] = [
            {
              sql: renderSql(
                insertPasswordSql(first.passwordId, user.id, hash, scheme.version),
                session.dialect,
              ),
              expectRows: 1,
            },
          ];
          const lift = liftFlagsSql(user.id, options);
          if (lift) statements.push({ sql: renderSql(lift, session.dialect), expectRows: 1 });
          await session.guarded(statements);
          ctx.log(
            `Inserted password ${first.passwordId} (scheme version ${scheme.version}, ${scheme.algorithm}).`,
          );
        });
      },
      async check(ctx) {
        await verifyActive(ctx, options);
      },
      async undo(ctx) {
        secretsOf(ctx);
        const saved = await ctx.backup.loadValues<SavedMasChange>(BACKUP_KEY);
        if (!saved) {
          ctx.log('Nothing was changed; nothing to undo.');
          return;
        }
        await withSession(ctx.env, settings, async (session) => {
          const present = await session.query(
            renderSql(
              sql`SELECT 1 FROM user_passwords WHERE user_password_id = ${saved.passwordId}::uuid`,
              session.dialect,
            ),
          );
          await session.guarded([
            ...(present.length > 0
              ? [
                  {
                    sql: renderSql(
                      sql`DELETE FROM user_passwords WHERE user_password_id = ${saved.passwordId}::uuid`,
                      session.dialect,
                    ),
                    expectRows: 1,
                  },
                ]
              : []),
            {
              sql: renderSql(
                sql`UPDATE users SET locked_at = ${saved.lockedAt}::timestamptz, deactivated_at = ${saved.deactivatedAt}::timestamptz WHERE user_id = ${saved.userId}::uuid`,
                session.dialect,
              ),
              expectRows: 1,
            },
          ]);
        });
        ctx.log(
          `Deleted the password row this run inserted; the previous password of "${username}" is active again.`,
        );
      },
      async checkUndo(ctx) {
        const saved = await ctx.backup.loadValues<SavedMasChange>(BACKUP_KEY);
        if (!saved) return;
        const active = await withSession(ctx.env, settings, (session) =>
          activePassword(session, saved.userId),
        );
        if (active && active.id !== saved.passwordId)
          throw new StepFailure(
            `A newer password of "${username}" was set after this run; undoing would not bring the old one back.`,
          );
      },
    },
  ];
  if (options.revokeSessions)
    steps.push({
      id: 'finish-mas-sessions',
      kind: 'change',
      title: `End the MAS sessions of "${username}"`,
      describe: () => ({
        summary:
          "Marks the user's live compatibility, OAuth 2 and browser sessions finished (finished_at = now()), as mas-cli manage kill-sessions does; each count checked against the one read just before.",
        details: [
          'Synapse caches token introspection for a short while: a client may keep working for up to a few minutes.',
          'Cannot be undone: the clients log in again.',
        ],
        sql: finishSessionsSql('<user id>').map((statement) => ({
          dialect: 'PostgreSQL',
          text: renderSql(statement.sql, 'postgres').display,
        })),
      }),
      async run(ctx) {
        secretsOf(ctx);
        await withSession(ctx.env, settings, async (session) => {
          const user = await findMasUser(session, username);
          const counts = await countLiveSessions(session, user.id);
          await session.guarded(
            finishSessionsSql(user.id).map((statement) => ({
              sql: renderSql(statement.sql, session.dialect),
              expectRows: counts[statement.table],
            })),
          );
          ctx.log(
            `Finished ${counts.compat_sessions} compatibility, ${counts.oauth2_sessions} OAuth 2 and ${counts.user_sessions} browser session(s).`,
          );
        });
      },
    });
  steps.push({
    id: 'verify-mas-password',
    kind: 'verify',
    title: 'Prove the new password against the active MAS password',
    describe: () => ({
      summary:
        "Reads the user's newest user_passwords row in a fresh connection and checks it against the new password with its scheme.",
    }),
    async run(ctx) {
      secretsOf(ctx);
      await verifyActive(ctx, options);
      ctx.log(`The active MAS password of "${username}" accepts the new password.`);
    },
  });
  return steps;
}

async function verifyActive(ctx: StepContext, options: MasDatabaseOptions): Promise<void> {
  const { active, user } = await withSession(ctx.env, options.settings, async (session) => {
    const found = await findMasUser(session, options.mxid.localpart);
    return { user: found, active: await activePassword(session, found.id) };
  });
  const scheme = options.config.schemes.find((candidate) => candidate.version === active?.version);
  if (!active || !scheme || !(await verifyMasPassword(options.newPassword, active.hash, scheme)))
    throw new StepFailure(
      'The active MAS password does not verify against the new password.',
      'Retry the step; if it fails again, roll back.',
    );
  if ((options.unlock && user.lockedAt) || (options.reactivate && user.deactivatedAt))
    throw new StepFailure(`MAS user "${user.username}" is still locked or deactivated.`, 'Retry the step.');
}
