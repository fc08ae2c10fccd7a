/**
 * Seed 001's workaround for Active Directory: when IT users log in through AD and nobody can reach
 * Service Center, switch the AD provider off, apply, make sure the built-in admin can log in, apply
 * settings to all modules, then switch AD back on and apply again. AD is re-enabled on every way
 * out: resume goes on to the re-enable step, and rollback's undo of the disable step re-enables it.
 */
import { z } from 'zod';
import type { Fact } from '../../../../shared/procedure.js';
import {
  InputError,
  StepFailure,
  type Environment,
  type PlanContext,
  type ProcedureDefinition,
  type StepDefinition,
} from '../../../engine/types.js';
import { renderSql } from '../../../platform/db/sql.js';
import type { DbSession } from '../../../platform/db/types.js';
import {
  AD_PROVIDER_NAME,
  findProviders,
  findProvidersSql,
  setProviderActiveSql,
  type AuthProvider,
} from '../auth-providers.js';
import { configToolPresentStep, configToolStep, type ConfigToolMode } from '../config-tool-step.js';
import { hashOutSystemsPassword, verifyOutSystemsPassword } from '../hash.js';
import {
  connectCheckStep,
  locateInstallDir,
  platformDatabaseInput,
  readInstallSecrets,
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
} from '../users.js';

const ADMIN = 'admin';

export const adWorkaroundInputs = z.object({
  database: platformDatabaseInput,
  configurationTool: z
    .enum(['run', 'guide'])
    .default('guide')
    .meta({
      title: 'Configuration Tool steps',
      optionLabels: { run: 'Breakglass runs the Configuration Tool', guide: 'I click Apply and Exit myself' },
      description:
        'run: Breakglass runs ConfigurationTool.com /UpgradeInstall /InstallServiceCenter (no password on its command line). guide: you click Apply and Exit yourself and confirm.',
    }),
  installDir: z.string().trim().max(1024).optional().meta({
    title: 'Platform Server folder (for the Configuration Tool)',
    description: 'Leave empty to read it from the registry.',
  }),
  applySettings: z
    .enum(['guide', 'factory'])
    .default('guide')
    .meta({
      title: 'Apply Settings to all modules',
      optionLabels: {
        guide: 'I apply settings in Service Center',
        factory: 'Breakglass runs /ApplySettingsFactory',
      },
      description:
        "guide: you apply settings on an All Components solution in Service Center. factory: ConfigurationTool.com /ApplySettingsFactory (11.10+; not documented as equal to the seed's path: check for login failures afterwards).",
    }),
  adminPassword: z.string().max(1024).optional().meta({
    title: 'New password for the built-in admin (optional)',
    description: 'Leave empty to keep its current password.',
    secret: true,
    passwordPolicy: 'typeable',
  }),
});

type Inputs = z.output<typeof adWorkaroundInputs>;

export const adWorkaround: ProcedureDefinition<typeof adWorkaroundInputs> = {
  id: 'outsystems.ad-workaround',
  system: 'outsystems',
  title: 'Log in to Service Center when Active Directory blocks it',
  summary:
    'When Active Directory sign-in is broken: turns AD sign-in off for a while so the built-in admin can sign in (optionally with a new password), then turns AD sign-in back on — even if the run is interrupted.',
  inputs: adWorkaroundInputs,
  async plan({ inputs, env, addSecret }: PlanContext<Inputs>) {
    if (inputs.adminPassword !== undefined && inputs.adminPassword.trim().length < 6) {
      throw new InputError(
        'adminPassword',
        'use at least 6 characters that are not all spaces, or leave it empty to keep the current password',
      );
    }
    const database = await resolvePlatformDatabase(inputs.database, env);
    addSecret(database.settings.password);
    const found = await previewRows(database, env);
    const runsTheTool = inputs.configurationTool === 'run' || inputs.applySettings === 'factory';
    const installDir = runsTheTool
      ? inputs.installDir ||
        (inputs.database.source === 'hsconf' && inputs.database.installDir) ||
        (await locateInstallDir(env, 'installDir'))
      : undefined;
    const secrets = [database.settings.password, ...(installDir ? await readInstallSecrets(installDir) : [])];
    for (const secret of secrets) addSecret(secret);
    const tool = (id: string, title: string, instructions: string[]) =>
      configToolStep({
        id,
        title,
        mode: inputs.configurationTool as ConfigToolMode,
        switches: [{ name: 'UpgradeInstall' }, { name: 'InstallServiceCenter' }],
        instructions,
        installDir,
        env,
        secrets,
      });
    const applySettings = (id: string, title: string) =>
      inputs.applySettings === 'factory'
        ? configToolStep({
            id,
            title,
            mode: 'run',
            switches: [{ name: 'ApplySettingsFactory' }],
            instructions: [],
            installDir,
            env,
            secrets,
          })
        : applySettingsManualStep(id, title);

    const steps: StepDefinition[] = [
      connectCheckStep(database),
      ...(installDir ? [configToolPresentStep(installDir)] : []),
      findProviderStep(database),
      findAdminStep(database),
      disableAdStep(database, found.provider),
      tool('apply-without-ad', 'Apply the configuration and install Service Center (AD off)', [
        'Open the Configuration Tool on the deployment controller.',
        'Click Apply and Exit.',
        'Answer Yes when asked to restart the OutSystems services, and Yes when asked to install Service Center.',
        'Wait until it finishes, then confirm here.',
      ]),
      ensureAdminStep(database, inputs.adminPassword, found.admin),
      applySettings('apply-settings-without-ad', 'Apply settings to all modules (logged in as admin)'),
      enableAdStep(database, found.provider),
      tool('apply-with-ad', 'Apply the configuration and install Service Center (AD back on)', [
        'Open the Configuration Tool on the deployment controller.',
        'Click Apply and Exit; answer Yes to restart the services and Yes to install Service Center.',
        'Wait until it finishes, then confirm here.',
      ]),
      applySettings('apply-settings-with-ad', 'Apply settings to all modules again'),
      verifyAdEnabledStep(database, inputs.adminPassword),
    ];
    return {
      target: `outsystems:${database.label}`,
      ...hsconfLock(database),
      afterwards: [
        'Log in to Service Center with your Active Directory account to check that AD logins work again.',
      ],
      facts: [
        ...database.facts,
        ...found.facts,
        ...(installDir
          ? [{ label: 'Platform Server folder', value: installDir, status: 'info' as const }]
          : []),
      ],
      warnings: [
        'Service Center logins through Active Directory stop working from the first change until AD is re-enabled near the end.',
        'If you rotated database passwords, this is the point of seed 001 where settings are applied to all modules.',
        ...(found.provider && !found.provider.isActive
          ? [
              `${AD_PROVIDER_NAME} is inactive now (an earlier attempt may have left it off). The workaround ends with it active, as the seed's last steps do; a rollback puts it back as it is now.`,
            ]
          : []),
      ],
      steps,
    };
  },
};

interface FoundRows {
  provider?: AuthProvider;
  admin?: PlatformUser;
  facts: Fact[];
}

/** Read-only look while planning, so the plan can name the rows it will change. */
async function previewRows(database: PlatformDatabase, env: Environment): Promise<FoundRows> {
  try {
    return await withPlatformSession(database, env, async (session) => {
      const providers = await findProviders(session, database.schema, AD_PROVIDER_NAME);
      const admins = await findUsers(session, database.schema, TENANTS['it-users'].name, ADMIN);
      const provider = providers.length === 1 ? providers[0] : undefined;
      const admin = admins.length === 1 ? admins[0] : undefined;
      return {
        provider,
        admin,
        facts: [
          provider
            ? {
                label: AD_PROVIDER_NAME,
                value: `ID ${provider.id}, ${provider.isActive ? 'active' : 'INACTIVE'}`,
                status: provider.isActive ? 'ok' : 'warn',
              }
            : {
                label: AD_PROVIDER_NAME,
                value: `${providers.length} rows (exactly one expected)`,
                status: 'error',
              },
          admin
            ? {
                label: 'Built-in admin',
                value: `ID ${admin.id}, ${admin.isActive ? 'active' : 'DISABLED'}`,
                status: admin.isActive ? 'ok' : 'warn',
              }
            : {
                label: 'Built-in admin',
                value: `${admins.length} users named "${ADMIN}" in tenant ${TENANTS['it-users'].name} (exactly one expected)`,
                status: 'error',
              },
        ],
      };
    });
  } catch (error) {
    return {
      facts: [
        {
          label: 'Platform database',
          value: `not reachable while planning: ${(error as Error).message}`,
          status: 'error',
        },
      ],
    };
  }
}

const NOT_FOUND_WHILE_PLANNING =
  'The row could not be looked up while planning; the exact statement is fixed once preflight finds it.';

function applySettingsManualStep(id: string, title: string): StepDefinition {
  return {
    id,
    kind: 'manual',
    title,
    describe: () => ({
      summary: 'In Service Center, apply settings to every module of the environment.',
      instructions: [
        'Log in to Service Center with the built-in admin account.',
        'Create (or open) an "All Components" solution containing every module.',
        'On that solution click Apply Settings and wait for it to finish.',
        'If warnings about outdated dependencies appear, republish the All Components solution.',
      ],
    }),
    async run() {
      // Nothing Breakglass can observe proves settings were applied: the admin's word (the engine records it as not checked).
    },
  };
}

async function theAdProvider(session: DbSession, database: PlatformDatabase): Promise<AuthProvider> {
  const rows = await findProviders(session, database.schema, AD_PROVIDER_NAME);
  if (rows.length !== 1) {
    throw new StepFailure(
      rows.length === 0
        ? `There is no ${AD_PROVIDER_NAME} row in OSSYS_AUTHPROVIDER.`
        : `${rows.length} rows are named ${AD_PROVIDER_NAME} in OSSYS_AUTHPROVIDER.`,
      rows.length === 0
        ? 'IT users do not log in through Active Directory here: the workaround is not needed. Reset the admin password instead.'
        : "Check the table by hand: the vendor's statement expects exactly one.",
    );
  }
  return rows[0] as AuthProvider;
}

async function theAdmin(session: DbSession, database: PlatformDatabase): Promise<PlatformUser> {
  return findOneUser(session, database.schema, 'it-users', ADMIN);
}

function findProviderStep(database: PlatformDatabase): StepDefinition {
  return {
    id: 'find-ad-provider',
    kind: 'check',
    title: `Find the ${AD_PROVIDER_NAME} row`,
    describe: () => ({
      summary: `Reads OSSYS_AUTHPROVIDER; the run stops unless exactly one row is named ${AD_PROVIDER_NAME}.`,
      sql: sqlForDisplay(
        database,
        (dialect) => renderSql(findProvidersSql(dialect, database.schema, AD_PROVIDER_NAME), dialect).display,
      ),
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      const provider = await withPlatformSession(database, ctx.env, (session) =>
        theAdProvider(session, database),
      );
      ctx.log(
        `${AD_PROVIDER_NAME} is ID ${provider.id}, currently ${provider.isActive ? 'active' : 'INACTIVE (an earlier attempt may have left it off; this run switches it back on at the end)'}.`,
      );
    },
  };
}

function findAdminStep(database: PlatformDatabase): StepDefinition {
  return {
    id: 'find-it-admin',
    kind: 'check',
    title: 'Find the built-in admin of Service Center',
    describe: () => ({
      summary: `Looks up user "${ADMIN}" in tenant ${TENANTS['it-users'].name} (exactly one row).`,
      sql: sqlForDisplay(
        database,
        (dialect) =>
          renderSql(findUsersSql(dialect, database.schema, TENANTS['it-users'].name, ADMIN), dialect).display,
      ),
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      const admin = await withPlatformSession(database, ctx.env, (session) => theAdmin(session, database));
      ctx.log(
        `Built-in admin is ID ${admin.id}, ${admin.isActive ? 'active' : 'disabled (it will be activated)'}.`,
      );
    },
  };
}

function setAdSql(database: PlatformDatabase, provider: AuthProvider | undefined, active: boolean) {
  return provider
    ? sqlForDisplay(
        database,
        (dialect) =>
          renderSql(setProviderActiveSql(dialect, database.schema, provider.id, active), dialect).display,
      )
    : [];
}

async function setAdActive(env: Environment, database: PlatformDatabase, active: boolean): Promise<number> {
  return withPlatformSession(database, env, async (session) => {
    const provider = await theAdProvider(session, database);
    await session.guarded([
      {
        sql: renderSql(
          setProviderActiveSql(session.dialect, database.schema, provider.id, active),
          session.dialect,
        ),
        expectRows: 1,
      },
    ]);
    return provider.id;
  });
}

const PROVIDER_BACKUP = 'ossys_authprovider:ad';

function disableAdStep(database: PlatformDatabase, provider: AuthProvider | undefined): StepDefinition {
  return {
    id: 'disable-ad',
    kind: 'change',
    title: `Disable ${AD_PROVIDER_NAME}`,
    compensation: {
      leaves: 'Active Directory logins to Service Center are OFF in production',
      restoredBy: 'enable-ad',
    },
    describe: () => ({
      summary: `Sets ISACTIVE = 0 on the ${AD_PROVIDER_NAME} row (exactly one row, in a transaction). Rollback puts back the value it had before.`,
      sql: setAdSql(database, provider, false),
      outage: true,
      undo: `Sets ISACTIVE on ${AD_PROVIDER_NAME} back to the value it had before the run (AD back on), then you apply the configuration.`,
      warnings: [
        'Until AD is re-enabled, IT users who log in through Active Directory cannot reach Service Center.',
        ...(provider ? [] : [NOT_FOUND_WHILE_PLANNING]),
      ],
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      const before = await withPlatformSession(database, ctx.env, (session) =>
        theAdProvider(session, database),
      );
      await ctx.backup.saveValues(PROVIDER_BACKUP, before);
      const id = await setAdActive(ctx.env, database, false);
      ctx.log(`${AD_PROVIDER_NAME} (ID ${id}) is now inactive.`);
    },
    async check(ctx) {
      const current = await withPlatformSession(database, ctx.env, (session) =>
        theAdProvider(session, database),
      );
      if (current.isActive) throw new StepFailure(`${AD_PROVIDER_NAME} is still active.`, 'Retry the step.');
    },
    async undo(ctx) {
      ctx.addSecret(database.settings.password);
      const before = await ctx.backup.loadValues<AuthProvider>(PROVIDER_BACKUP);
      if (!before) return;
      const id = await setAdActive(ctx.env, database, before.isActive);
      ctx.log(
        `${AD_PROVIDER_NAME} (ID ${id}) is ${before.isActive ? 'active' : 'inactive'} again, as before the run. Apply the configuration (Configuration Tool: Apply and Exit, install Service Center) so the platform uses it.`,
      );
    },
  };
}

function enableAdStep(database: PlatformDatabase, provider: AuthProvider | undefined): StepDefinition {
  return {
    id: 'enable-ad',
    kind: 'change',
    title: `Re-enable ${AD_PROVIDER_NAME}`,
    describe: () => ({
      summary: `Sets ISACTIVE = 1 on the ${AD_PROVIDER_NAME} row again (exactly one row, in a transaction).`,
      sql: setAdSql(database, provider, true),
      warnings: provider ? [] : [NOT_FOUND_WHILE_PLANNING],
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      const id = await setAdActive(ctx.env, database, true);
      ctx.log(`${AD_PROVIDER_NAME} (ID ${id}) is active again.`);
    },
    async check(ctx) {
      const current = await withPlatformSession(database, ctx.env, (session) =>
        theAdProvider(session, database),
      );
      if (!current.isActive)
        throw new StepFailure(`${AD_PROVIDER_NAME} is still inactive.`, 'Retry the step.');
    },
  };
}

function ensureAdminStep(
  database: PlatformDatabase,
  newPassword: string | undefined,
  admin: PlatformUser | undefined,
): StepDefinition {
  const backupKey = 'ossys_user:it-admin';
  return {
    id: 'ensure-admin',
    kind: 'change',
    title: newPassword
      ? 'Activate the built-in admin and set its new password'
      : 'Make sure the built-in admin is active',
    describe: () => ({
      summary: newPassword
        ? 'Sets IS_ACTIVE = 1 and writes an offline $1$ hash of the new password on the admin row (exactly one row, in a transaction).'
        : 'Sets IS_ACTIVE = 1 on the admin row if it is disabled (exactly one row, in a transaction); its password stays as it is.',
      sql: admin
        ? sqlForDisplay(
            database,
            (dialect) =>
              renderSql(
                updateUserSql(dialect, database.schema, {
                  id: admin.id,
                  expectedPassword: admin.password,
                  newPassword: newPassword ? 'masked' : undefined,
                  isActive: true,
                }),
                dialect,
              ).display,
          )
        : [],
      details: ["The admin's old values are kept in this run's backup file (0600); rollback restores them."],
      undo: "Puts the admin row's IS_ACTIVE and password hash back as they were before the run.",
      warnings: admin ? [] : [NOT_FOUND_WHILE_PLANNING],
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      await withPlatformSession(database, ctx.env, async (session) => {
        const current = await theAdmin(session, database);
        await ctx.backup.saveValues(backupKey, savedUser(current));
        const passwordDone = !newPassword || verifyOutSystemsPassword(newPassword, current.password);
        if (current.isActive && passwordDone) {
          await ctx.backup.saveResult(backupKey, savedUser(current));
          ctx.log('The admin is active' + (newPassword ? ' and already has the new password.' : '.'));
          return;
        }
        const written = passwordDone ? undefined : hashOutSystemsPassword(newPassword as string);
        const update = updateUserSql(session.dialect, database.schema, {
          id: current.id,
          expectedPassword: current.password,
          newPassword: written,
          isActive: true,
        });
        await session.guarded([{ sql: renderSql(update, session.dialect), expectRows: 1 }]);
        await ctx.backup.saveResult(backupKey, {
          id: current.id,
          password: written ?? current.password,
          isActive: true,
        } satisfies SavedUser);
        ctx.log(`Admin (ID ${current.id}) is active${passwordDone ? '' : ' with the new password'}.`);
      });
    },
    async check(ctx) {
      await withPlatformSession(database, ctx.env, async (session) =>
        assertAdminReady(await theAdmin(session, database), newPassword),
      );
    },
    async checkUndo(ctx) {
      await checkUserAsLeft(database, ctx, backupKey);
    },
    async undo(ctx) {
      const saved = await ctx.backup.loadValues<SavedUser>(backupKey);
      if (!saved) return;
      ctx.log(
        await withPlatformSession(database, ctx.env, (session) =>
          restoreUser(session, database.schema, saved),
        ),
      );
    },
  };
}

function assertAdminReady(admin: PlatformUser, newPassword: string | undefined): void {
  if (!admin.isActive)
    throw new StepFailure(
      `The built-in admin (ID ${admin.id}) is disabled.`,
      'Retry the step that activates it.',
    );
  if (newPassword && !verifyOutSystemsPassword(newPassword, admin.password)) {
    throw new StepFailure(
      "The admin's stored hash does not verify against the new password.",
      'Retry the step that sets it.',
    );
  }
}

function verifyAdEnabledStep(database: PlatformDatabase, newPassword: string | undefined): StepDefinition {
  return {
    id: 'verify-ad-enabled',
    kind: 'verify',
    title: newPassword
      ? 'Active Directory is enabled; the admin is active with the new password'
      : 'Active Directory is enabled and the admin is active',
    describe: () => ({
      summary: `Reads back ${AD_PROVIDER_NAME} (must be active) and the built-in admin (must be active${newPassword ? ', its stored hash must accept the new password' : ''}).`,
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      await withPlatformSession(database, ctx.env, async (session) => {
        const provider = await theAdProvider(session, database);
        if (!provider.isActive)
          throw new StepFailure(`${AD_PROVIDER_NAME} is inactive.`, 'Run the "Re-enable" step again.');
        const admin = await theAdmin(session, database);
        assertAdminReady(admin, newPassword);
        ctx.log(
          `${AD_PROVIDER_NAME} is active; the built-in admin (ID ${admin.id}) is active${newPassword ? ' and its stored hash accepts the new password' : ''}.`,
        );
      });
    },
  };
}
