/**
 * Seed 000: reset the `admin` password of IT users (tenant ServiceCenter) and/or the Users
 * app's end users (tenant users) with an offline `$1$` hash and a guarded one-row UPDATE.
 */
import { z } from 'zod';
import type { Fact } from '../../../../shared/procedure.js';
import {
  ProcedureRefusal,
  StepFailure,
  type PlanContext,
  type ProcedureDefinition,
  type StepDefinition,
} from '../../../engine/types.js';
import { renderSql } from '../../../platform/db/sql.js';
import { loginNameSchema, nameMatchWarning, showName } from '../../../platform/text/login-name.js';
import { detectOutSystemsHashFormat, hashOutSystemsPassword, verifyOutSystemsPassword } from '../hash.js';
import {
  connectCheckStep,
  platformDatabaseInput,
  resolvePlatformDatabase,
  sqlForDisplay,
  withPlatformSession,
  type PlatformDatabase,
  hsconfLock,
} from '../platform-database.js';
import {
  checkUserAsLeft,
  findOneUser,
  findUsers,
  findUsersSql,
  restoreUser,
  savedUser,
  TENANTS,
  updateUserSql,
  type PlatformUser,
  type SavedUser,
  type TenantKey,
} from '../users.js';
import { alreadyDoneBy } from '../../../engine/already-done.js';

const MAX_PASSWORD_LENGTH = 1024;

export const resetAdminPasswordInputs = z
  .object({
    deployment: z
      .enum(['self-managed', 'cloud'])
      .default('self-managed')
      .meta({
        title: 'Where does this environment run?',
        description:
          'OutSystems Cloud databases cannot be reached: only support or another admin can reset there.',
        optionLabels: { 'self-managed': 'Self-managed (your own servers)', cloud: 'OutSystems Cloud' },
      }),
    tenants: z
      .enum(['it-users', 'end-users', 'both'])
      .default('it-users')
      .meta({
        title: 'Whose password',
        description:
          'IT users log in to Service Center (tenant ServiceCenter); end users to the Users app (tenant users).',
        optionLabels: {
          'it-users': 'IT users (Service Center)',
          'end-users': 'End users (Users app)',
          both: 'Both',
        },
      }),
    username: loginNameSchema({
      max: 250,
      minMessage: 'enter the user name (usually admin)',
      maxMessage: 'a user name has at most 250 characters (OSSYS_USER.USERNAME)',
    })
      .default('admin')
      .meta({ title: 'User name' }),
    newPassword: z
      .string()
      .min(6, 'the platform requires at least 6 characters')
      .max(MAX_PASSWORD_LENGTH, `use at most ${MAX_PASSWORD_LENGTH} characters`)
      .refine(
        (value) => value.trim().length > 0,
        'a password of only spaces cannot be typed reliably: choose another',
      )
      .meta({ title: 'New password', secret: true, passwordPolicy: 'typeable' }),
    reactivate: z
      .boolean()
      .default(true)
      .meta({ title: 'Reactivate the user if it is disabled (IS_ACTIVE = 1)' }),
    database: platformDatabaseInput,
  })
  .refine((inputs) => !inputs.newPassword.toLowerCase().includes(inputs.username.toLowerCase()), {
    path: ['newPassword'],
    message: 'the platform refuses a password that contains the user name: choose another',
  });

type Inputs = z.output<typeof resetAdminPasswordInputs>;

function tenantKeys(choice: Inputs['tenants']): TenantKey[] {
  return choice === 'both' ? ['it-users', 'end-users'] : [choice];
}

export const resetAdminPassword: ProcedureDefinition<typeof resetAdminPasswordInputs> = {
  id: 'outsystems.reset-admin-password',
  system: 'outsystems',
  title: 'Reset the admin password (IT users / end users)',
  summary:
    'Sets a new password for a Service Center or Users app account (admin by default) straight in the platform database — after checking that exactly one account matches — and proves that the new password works. Can be undone.',
  inputs: resetAdminPasswordInputs,
  async plan({ inputs, env, addSecret }: PlanContext<Inputs>) {
    if (inputs.deployment === 'cloud') throw new ProcedureRefusal(cloudExplanation(inputs.tenants));
    const database = await resolvePlatformDatabase(inputs.database, env);
    addSecret(database.settings.password);
    const facts: Fact[] = [...database.facts];
    const warnings: string[] = [];
    const keys = tenantKeys(inputs.tenants);
    if (keys.includes('end-users')) {
      warnings.push(
        'For end users, if you can still log in to Service Center (Platform Server Jul.2019 or later), the vendor prefers configuring the Users administrator there; this procedure is the database path for when you cannot.',
      );
    }
    if (keys.includes('it-users')) {
      warnings.push(
        'The Configuration Tool can also reset the IT admin (/SetPlatformServerAdminPassword), but that puts the password on a command line where the process list shows it; this procedure writes the hash directly instead.',
      );
    }
    const previews = await previewUsers(database, env, keys, inputs.username);
    facts.push(...previews.map((preview) => preview.fact));
    for (const preview of previews) {
      const inexact = preview.user && nameMatchWarning(inputs.username, preview.user.username);
      if (inexact) warnings.push(inexact);
    }

    const steps: StepDefinition[] = [connectCheckStep(database)];
    for (const [index, key] of keys.entries()) {
      steps.push(findUserStep(database, key, inputs.username));
      steps.push(setPasswordStep(database, key, inputs, previews[index]?.user));
      steps.push(verifyPasswordStep(database, key, inputs));
    }
    const where = { 'it-users': 'Service Center', 'end-users': 'the Users app' };
    return {
      target: `outsystems:${database.label}`,
      facts,
      warnings,
      steps,
      afterwards: [
        `Log in to ${tenantKeys(inputs.tenants)
          .map((key) => where[key])
          .join(' and to ')} as ${inputs.username} with the new password.`,
        'Then change it there to one only you know, and keep the report with your change record.',
      ],
      ...hsconfLock(database),
    };
  },
};

function cloudExplanation(tenants: Inputs['tenants']): string {
  const lines = [
    'On OutSystems Cloud the platform database is not yours to change, so this procedure cannot run there.',
    'IT users: ask another administrator to reset your password; if no administrator has access, open a case at the OutSystems Support Portal (support resets only users with the administrator role in LifeTime).',
  ];
  if (tenants !== 'it-users') {
    lines.push(
      'End users (Users app): on Platform Server Jul.2019 or later, reset it in Service Center by configuring the Users administrator; on older versions open a support case.',
    );
  }
  return lines.join(' ');
}

interface UserPreview {
  fact: Fact;
  /** The one matching user, when exactly one matched while planning. */
  user?: PlatformUser;
}

/** Read-only look at the users while planning, so the plan can name the row it will change. */
async function previewUsers(
  database: PlatformDatabase,
  env: PlanContext<Inputs>['env'],
  keys: TenantKey[],
  username: string,
): Promise<UserPreview[]> {
  try {
    return await withPlatformSession(database, env, async (session) => {
      const previews: UserPreview[] = [];
      for (const key of keys) {
        const matches = await findUsers(session, database.schema, TENANTS[key].name, username);
        previews.push({
          fact: describeMatches(key, username, matches),
          user: matches.length === 1 ? matches[0] : undefined,
        });
      }
      return previews;
    });
  } catch (error) {
    return [
      {
        fact: {
          label: 'Platform database',
          value: `not reachable while planning: ${(error as Error).message}`,
          status: 'error',
        },
      },
    ];
  }
}

function describeMatches(key: TenantKey, username: string, matches: PlatformUser[]): Fact {
  const label = `User ${showName(username)} among ${TENANTS[key].label}`;
  if (matches.length === 0) return { label, value: 'not found', status: 'error' };
  if (matches.length > 1)
    return {
      label,
      value: `${matches.length} matching rows (IDs ${matches.map((m) => m.id).join(', ')})`,
      status: 'error',
    };
  const [user] = matches as [PlatformUser];
  const format = detectOutSystemsHashFormat(user.password);
  const formatText =
    format === 'v1'
      ? 'current $1$ hash'
      : format === 'legacy-md5'
        ? 'legacy MD5 hash (will be replaced by $1$)'
        : 'unrecognised password value';
  return {
    label,
    value: `ID ${user.id} named ${showName(user.username)}, ${user.isActive ? 'active' : 'DISABLED'}, ${formatText}`,
    status: user.isActive && format === 'v1' && user.username === username ? 'ok' : 'warn',
  };
}

function findUserStep(database: PlatformDatabase, key: TenantKey, username: string): StepDefinition {
  const tenant = TENANTS[key];
  return {
    id: `find-user-${key}`,
    kind: 'check',
    title: `Find exactly one ${showName(username)} among ${tenant.label}`,
    describe: () => ({
      summary: `Looks up user ${showName(username)} in tenant ${tenant.name}; the run stops unless exactly one row matches.`,
      sql: sqlForDisplay(
        database,
        (dialect) =>
          renderSql(findUsersSql(dialect, database.schema, tenant.name, username), dialect).display,
      ),
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      const user = await withPlatformSession(database, ctx.env, (session) =>
        findOneUser(session, database.schema, key, username),
      );
      const format = detectOutSystemsHashFormat(user.password);
      ctx.log(
        `Found ID ${user.id} (${user.isActive ? 'active' : 'disabled'}); stored password format: ${format}.`,
      );
      const inexact = nameMatchWarning(username, user.username);
      if (inexact) ctx.log(inexact);
      if (format === 'legacy-md5')
        ctx.log('The stored value is a legacy MD5 hash; the new value will be a $1$ hash.');
    },
  };
}

function setPasswordStep(
  database: PlatformDatabase,
  key: TenantKey,
  inputs: Inputs,
  preview: PlatformUser | undefined,
): StepDefinition {
  const tenant = TENANTS[key];
  const backupKey = `ossys_user:${key}`;
  const activation = inputs.reactivate ? true : undefined;
  return {
    id: `set-password-${key}`,
    kind: 'change',
    title: `Write the new password hash for ${showName(inputs.username)} (${tenant.label})`,
    describe: () => ({
      summary: `Computes an offline $1$ hash (SHA-512 over UTF-16LE, random 32-byte salt) and updates exactly one OSSYS_USER row in one transaction${inputs.reactivate ? ', setting IS_ACTIVE = 1' : ''}.`,
      details: [
        'The row is chosen by its ID, and only while it still holds the password value read just before; any other row count rolls the transaction back.',
        "The old value is kept in this run's backup file (mode 0600) so the change can be undone.",
      ],
      sql: preview
        ? sqlForDisplay(
            database,
            (dialect) =>
              renderSql(
                updateUserSql(dialect, database.schema, {
                  id: preview.id,
                  expectedPassword: preview.password,
                  newPassword: 'new',
                  isActive: activation,
                }),
                dialect,
              ).display,
          )
        : [],
      warnings: preview
        ? []
        : [
            'The user could not be looked up while planning; the exact statement is fixed once preflight finds the row.',
          ],
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      await withPlatformSession(database, ctx.env, async (session) => {
        const user = await findOneUser(session, database.schema, key, inputs.username);
        const doneBy = await alreadyDoneBy(
          ctx.backup,
          backupKey,
          (recorded) => (recorded as SavedUser).password === user.password,
        );
        await ctx.backup.saveValues(backupKey, savedUser(user));
        if (
          verifyOutSystemsPassword(inputs.newPassword, user.password) &&
          (!inputs.reactivate || user.isActive)
        ) {
          await ctx.backup.saveResult(backupKey, savedUser(user));
          ctx.log(`The row already holds the new password (${doneBy}); nothing to do.`);
          return;
        }
        const written = hashOutSystemsPassword(inputs.newPassword);
        const update = updateUserSql(session.dialect, database.schema, {
          id: user.id,
          expectedPassword: user.password,
          newPassword: written,
          isActive: activation,
        });
        await session.guarded([{ sql: renderSql(update, session.dialect), expectRows: 1 }]);
        await ctx.backup.saveResult(backupKey, {
          id: user.id,
          password: written,
          isActive: activation ?? user.isActive,
        } satisfies SavedUser);
        ctx.log(`Updated 1 row (ID ${user.id}).`);
      });
    },
    async check(ctx) {
      const row = await withPlatformSession(database, ctx.env, (session) =>
        findOneUser(session, database.schema, key, inputs.username),
      );
      if (
        detectOutSystemsHashFormat(row.password) !== 'v1' ||
        !verifyOutSystemsPassword(inputs.newPassword, row.password)
      ) {
        throw new StepFailure(
          'The stored value does not verify against the new password.',
          'Retry the step; if it fails again, roll back.',
        );
      }
      if (inputs.reactivate && !row.isActive)
        throw new StepFailure(`User ID ${row.id} is still disabled.`, 'Retry the step.');
    },
    async checkUndo(ctx) {
      await checkUserAsLeft(database, ctx, backupKey);
    },
    async undo(ctx) {
      const saved = await ctx.backup.loadValues<SavedUser>(backupKey);
      if (!saved) {
        ctx.log('Nothing was changed for this tenant; nothing to undo.');
        return;
      }
      ctx.log(
        await withPlatformSession(database, ctx.env, (session) =>
          restoreUser(session, database.schema, saved),
        ),
      );
    },
  };
}

function verifyPasswordStep(database: PlatformDatabase, key: TenantKey, inputs: Inputs): StepDefinition {
  const tenant = TENANTS[key];
  return {
    id: `verify-password-${key}`,
    kind: 'verify',
    title: `Prove the new password against the stored row (${tenant.label})`,
    describe: () => ({
      summary: `Reads the row back in a fresh connection and checks its $1$ hash against the new password${inputs.reactivate ? ' and that the user is active' : ''}.`,
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      const row = await withPlatformSession(database, ctx.env, (session) =>
        findOneUser(session, database.schema, key, inputs.username),
      );
      if (
        detectOutSystemsHashFormat(row.password) !== 'v1' ||
        !verifyOutSystemsPassword(inputs.newPassword, row.password)
      ) {
        throw new StepFailure(
          'The stored hash does not verify against the new password.',
          'Roll back, then run the procedure again.',
        );
      }
      if (inputs.reactivate && !row.isActive)
        throw new StepFailure(`User ID ${row.id} is disabled.`, 'Run again with reactivation on.');
      ctx.log(
        `${showName(row.username)} (ID ${row.id}): its stored hash accepts the new password${row.isActive ? '' : ' (the account is still disabled)'}.`,
      );
    },
  };
}
