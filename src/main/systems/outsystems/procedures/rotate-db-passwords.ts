/**
 * Seed 001 on the deployment controller: rotate the passwords of the platform database users
 * (any subset of the five), end to end. Preflight checks everything that can be checked without
 * an outage; the run stops the services (documented order, then IIS), changes each password in
 * its database (as the user itself, with the self-change form when it lacks the right to change
 * others), proves each new credential with a fresh connection, writes server.hsconf (`$2$` with
 * private.key, every other byte kept), drives the Configuration Tool, applies settings to all
 * modules and verifies modules, machine.config and the Log database. Before the configuration is
 * applied everything is undone by rollback; from there on the way out is forward.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Fact } from '../../../../shared/procedure.js';
import {
  InputError,
  StepFailure,
  type Environment,
  type Plan,
  type PlanContext,
  type ProcedureDefinition,
  type StepContext,
  type StepDefinition,
} from '../../../engine/types.js';
import { DbInputError } from '../../../platform/db/errors.js';
import { changeOthersRightSql, changePasswordDdl } from '../../../platform/db/password-ddl.js';
import { dialectName } from '../../../platform/db/quoting.js';
import { ident, renderSql, sql } from '../../../platform/db/sql.js';
import type { Dialect } from '../../../platform/db/types.js';
import { writeFileAtomic } from '../../../platform/files/atomic-write.js';
import { backupFileBeside } from '../../../platform/files/backup.js';
import { generatePassword } from '../../../platform/secrets/generate-password.js';
import { loadOrCreateSigningKey } from '../../../platform/secrets/signing-key.js';
import { iisReset } from '../../../platform/services/iis.js';
import { configToolPresentStep, configToolStep } from '../config-tool-step.js';
import { elevation } from '../discovery.js';
import { exportFarmBundle } from '../farm-bundle.js';
import { HsConf } from '../hsconf.js';
import { setHsconfSecret, readableHsconfSecrets, requireHsconfSecret } from '../hsconf-secrets.js';
import { hsconfEditDiff } from '../hsconf-preview.js';
import { loadPrivateKey } from '../private-key.js';
import { locateInstallDir } from '../platform-database.js';
import { isAtLeast } from '../platform-version.js';
import { readInstallFromRegistry } from '../registry.js';
import { SANDBOX_PLATFORM_VERSION } from '../sandbox.js';
import { OUTSYSTEMS_SERVICE_PREFIX, outSystemsServiceOrder } from '../services.js';
import {
  checkMachineConfigs,
  checkModules,
  describeCheck,
  isCurrent,
  logLoginFailures,
  withLogSession,
} from '../rotation-verify.js';
import {
  loadNewPassword,
  loadOldPassword,
  ROTATION_USER_KEYS,
  rotationUsers,
  saveNewPassword,
  saveOldPassword,
  settingsWithPassword,
  type RotationUser,
  type RotationUserKey,
} from '../rotation-users.js';
import { lockFileBeside } from '../../../engine/target-lock.js';
import { listServers, platformAdminSettings, serverLine } from '../servers.js';
import { readEventLogLoginFailures } from '../event-log.js';

const newPassword = z
  .string()
  .min(1)
  .max(1024)
  .optional()
  .meta({ secret: true, passwordPolicy: 'sqlserver', description: 'Leave empty to generate one.' });

/**
 * What the outage window says to expect: services stop and start (a few minutes each), the
 * Configuration Tool's apply and Service Center install (about ten), Apply Settings (about ten for a
 * mid-sized factory). Shown, not enforced.
 */
const ROTATION_EXPECTED_MINUTES = 30;

const USER_LABELS: Record<RotationUserKey, string> = {
  platformAdmin: 'Platform administrator',
  platformRuntime: 'Platform runtime',
  logAdmin: 'Log administrator',
  logRuntime: 'Log runtime',
  session: 'Session',
};

export const rotateDbPasswordsInputs = z.object({
  users: z
    .array(z.enum(ROTATION_USER_KEYS))
    .min(1, 'choose at least one user')
    .default([...ROTATION_USER_KEYS])
    .meta({ title: 'Users to rotate', optionLabels: USER_LABELS }),
  newPasswords: z
    .object({
      platformAdmin: newPassword.meta({ title: 'New password: Platform administrator' }),
      platformRuntime: newPassword.meta({ title: 'New password: Platform runtime' }),
      logAdmin: newPassword.meta({ title: 'New password: Log administrator' }),
      logRuntime: newPassword.meta({ title: 'New password: Log runtime' }),
      session: newPassword.meta({ title: 'New password: Session' }),
    })
    .default({})
    .meta({ title: 'New passwords (a user left out gets a generated one)' }),
  installDir: z.string().trim().max(1024).optional().meta({
    title: 'Platform Server folder',
    description: 'Leave empty to read it from the registry.',
  }),
  configurationTool: z
    .enum(['run', 'guide'])
    .default('run')
    .meta({
      title: 'Configuration Tool steps',
      optionLabels: { run: 'Breakglass runs the Configuration Tool', guide: 'I click them myself' },
    }),
  applySettings: z
    .enum(['auto', 'factory', 'guide'])
    .default('auto')
    .meta({
      title: 'Apply Settings to all modules',
      optionLabels: {
        auto: '/ApplySettingsFactory where the version has it (11.10+), else Service Center',
        factory: 'Breakglass runs /ApplySettingsFactory',
        guide: 'I apply settings in Service Center (Breakglass checks the modules afterwards)',
      },
    }),
  passwordsOnCommandLine: z.boolean().default(false).meta({
    title:
      'Also run Create/Update Database and Create Session Database (passwords visible in the process list)',
    description:
      'Their only unattended form (/SetupInstall, /RebuildSession) takes the passwords on the command line. A password change needs neither: off by default.',
  }),
  farmBundleDir: z.string().trim().max(1024).optional().meta({
    title: 'Folder for the front-ends’ configuration export',
    description: 'A new or empty folder; default: breakglass-farm-bundle-<time> beside server.hsconf.',
  }),
});

type Inputs = z.output<typeof rotateDbPasswordsInputs>;

interface Install {
  installDir: string;
  hsconfPath: string;
  privateKeyPath: string;
  version?: string;
}

/** What the steps share; everything that a run changes is read again at run time. */
interface Rotation {
  install: Install;
  env: Environment;
  chosen: RotationUser[];
  /** The target's dialect (SQL Server or Oracle), whatever the sandbox runs on. */
  targetDialect: Dialect;
}

async function readInstall(install: Install) {
  const doc = await HsConf.load(install.hsconfPath);
  const { key, readableByOthers } = await loadPrivateKey(install.privateKeyPath);
  return { doc, key, readableByOthers };
}

export const rotateDbPasswords: ProcedureDefinition<typeof rotateDbPasswordsInputs> = {
  id: 'outsystems.rotate-db-passwords',
  system: 'outsystems',
  title: 'Rotate the platform database users’ passwords',
  summary:
    'On the deployment controller: changes the passwords the platform uses to reach its databases, then updates the configuration and every module to use them, and checks that they do. The environment is down from the first service stop until the restart.',
  inputs: rotateDbPasswordsInputs,
  async plan({ inputs, env, addSecret }: PlanContext<Inputs>) {
    const installDir = inputs.installDir || (await locateInstallDir(env, 'installDir'));
    const install: Install = {
      installDir,
      hsconfPath: path.join(installDir, 'server.hsconf'),
      privateKeyPath: path.join(installDir, 'private.key'),
      version:
        env.kind === 'sandbox' ? SANDBOX_PLATFORM_VERSION : (await readInstallFromRegistry(env.exec)).version,
    };
    let doc: HsConf;
    let key: Buffer;
    let keyWarning: string | undefined;
    try {
      ({ doc, key, readableByOthers: keyWarning } = await readInstall(install));
    } catch (error) {
      throw new InputError('installDir', `${(error as Error).message}`);
    }
    for (const secret of readableHsconfSecrets(doc, key)) addSecret(secret);
    const all = rotationUsers(doc);
    const wanted = new Set(inputs.users);
    const chosen = all.filter((user) => wanted.has(user.key) && !user.windowsAuthentication);
    const windows = all.filter((user) => wanted.has(user.key) && user.windowsAuthentication);
    if (chosen.length === 0) {
      throw new InputError(
        'users',
        'every chosen user uses Windows authentication: there is no password to rotate.',
      );
    }
    for (const user of chosen) {
      try {
        addSecret(requireHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key));
      } catch (error) {
        throw new InputError('installDir', (error as Error).message);
      }
    }
    const targetDialect: Dialect = chosen[0]?.provider === 'Oracle' ? 'oracle' : 'mssql';
    const planned = new Map<RotationUserKey, { password: string; generated: boolean }>();
    for (const user of chosen) {
      const typed = inputs.newPasswords[user.key];
      const password =
        typed ?? generatePassword({ policy: user.provider === 'Oracle' ? 'oracle' : 'sqlserver' }).password;
      addSecret(password);
      planned.set(user.key, { password, generated: typed === undefined });
    }
    const rotation: Rotation = { install, env, chosen, targetDialect };
    const factory =
      inputs.applySettings === 'factory' ||
      (inputs.applySettings === 'auto' && isAtLeast(install.version, '11.10') === true);
    const services = outSystemsServiceOrder(await env.services.list(OUTSYSTEMS_SERVICE_PREFIX));
    const secrets = () => [
      ...readableHsconfSecrets(doc, key),
      ...[...planned.values()].map((p) => p.password),
    ];
    const tool = (
      id: string,
      title: string,
      switches: Parameters<typeof configToolStep>[0]['switches'],
      instructions: string[],
    ) =>
      configToolStep({
        id,
        title,
        mode: inputs.configurationTool,
        switches,
        instructions,
        installDir,
        env,
        secrets: secrets(),
      });

    const steps: StepDefinition[] = [
      elevatedStep(env),
      servicesFoundStep(services.stop),
      currentCredentialsStep(rotation),
      changeRightStep(rotation),
      offlinePasswordCheckStep(rotation, planned),
      ...(inputs.configurationTool === 'run' || factory ? [configToolPresentStep(installDir)] : []),
      configToolVersionStep(install),
      diskSpaceStep(install),
      frontEndsStep(rotation),
      recordNewPasswordsStep(rotation, planned),
      stopServicesStep(rotation, services.stop),
      ...chosen.map((user) => changePasswordStep(rotation, user)),
      proveStep(rotation),
      writeHsconfStep(rotation, plannedDiff(install.hsconfPath, doc, key, chosen, planned)),
      grantPermissionsStep(rotation, inputs.configurationTool),
      ...(inputs.passwordsOnCommandLine || inputs.configurationTool === 'guide'
        ? [
            tool(
              'create-session-database',
              'Configuration Tool: Create Session Database',
              [
                {
                  name: 'RebuildSession',
                  session: { user: userOf(all, 'session'), password: sessionPassword(doc, key, planned) },
                },
              ],
              ['On the Session tab, click Create Session Database and wait for it to succeed.'],
            ),
            tool(
              'create-update-database',
              'Configuration Tool: Create/Update Database',
              [
                {
                  name: 'SetupInstall',
                  platformAdmin: {
                    user: userOf(all, 'platformAdmin'),
                    password: passwordFor(doc, key, planned, 'platformAdmin'),
                  },
                },
              ],
              ['Click Create/Update Database and wait for it to succeed.'],
            ),
          ]
        : []),
      exportFarmBundleStep(rotation, inputs.farmBundleDir),
      {
        ...tool(
          'apply-configuration',
          'Configuration Tool: apply the configuration and restart the services',
          [{ name: 'UpgradeInstall' }],
          ['Click Apply and Exit.', 'Answer Yes when asked to restart the OutSystems services.'],
        ),
        pointOfNoReturn: true,
        onFailure: ['retry', 'rollback', 'continue'],
      },
      startServicesStep(services.start),
      tool(
        'install-service-center',
        'Configuration Tool: install Service Center',
        [{ name: 'InstallServiceCenter' }],
        ['Answer Yes when asked to install Service Center, and wait for it to finish.'],
      ),
      settingsAppliedFrom(
        factory
          ? configToolStep({
              id: 'apply-settings',
              title: 'Apply Settings to all modules (/ApplySettingsFactory)',
              mode: 'run',
              switches: [{ name: 'ApplySettingsFactory' }],
              instructions: [],
              installDir,
              env,
              secrets: secrets(),
            })
          : applySettingsGuidedStep(rotation),
      ),
      verifyModulesStep(rotation),
      verifyMachineConfigStep(rotation),
      verifyNoLoginFailuresStep(rotation),
    ];

    const facts: Fact[] = [
      { label: 'Platform Server folder', value: installDir, status: 'info' },
      ...(keyWarning ? [{ label: 'private.key', value: keyWarning, status: 'warn' } satisfies Fact] : []),
      {
        label: 'Platform Server version',
        value: install.version ?? 'unknown',
        status: install.version ? 'info' : 'warn',
      },
      ...all.map((user): Fact => ({
        label: `${USER_LABELS[user.key]} user`,
        value: `${user.user}${
          user.windowsAuthentication
            ? ' — Windows authentication: no password to rotate, left alone'
            : wanted.has(user.key)
              ? ` — rotated (${planned.get(user.key)?.generated ? 'generated password' : 'typed password'})`
              : ' — not rotated'
        }`,
        status: user.windowsAuthentication ? 'warn' : 'info',
      })),
      {
        label: 'Services, in the documented stop order',
        value: services.stop.length ? `${services.stop.join(', ')}, then IIS` : 'none found',
        status: services.stop.length ? 'info' : 'error',
      },
    ];
    const generated = chosen.filter((user) => planned.get(user.key)?.generated).map((user) => user.user);
    return {
      afterwards: [
        'Run outsystems.reconfigure-farm to give every front-end the new configuration (or outsystems.reconfigure-front-end on each, with the exported bundle).',
        'Open Service Center and check that the applications run; outsystems.diagnose-db-logins lists any module or service still failing its database login.',
      ],
      target: `outsystems:${installDir}`,
      targetLock: lockFileBeside(installDir, 'server.hsconf'),
      facts,
      warnings: [
        'Complete loss of service: every OutSystems application is down from the first service stop until the services restart with the new configuration.',
        ...(windows.length
          ? [
              `Left alone (Windows authentication, no password to rotate): ${windows.map((user) => user.user).join(', ')}.`,
            ]
          : []),
        ...(generated.length
          ? [
              `Generated passwords for ${generated.join(', ')}: they are written to server.hsconf, encrypted with private.key (the Configuration Tool shows them), and kept encrypted in this run for resume and rollback. They are shown once, before the outage, for you to store in your password safe.`,
            ]
          : []),
        ...(isAtLeast(install.version, '11.16') === false || install.version === undefined
          ? [
              'Before Platform Server 11.16 the Configuration Tool writes credentials to its log in plain text: every Configuration Tool step scrubs the log afterwards.',
            ]
          : []),
        ...(inputs.passwordsOnCommandLine
          ? [
              'You chose to run /SetupInstall and /RebuildSession: their passwords are visible in the process list while they run; the tool’s log is scrubbed afterwards.',
            ]
          : inputs.configurationTool === 'run'
            ? [
                'Create/Update Database and Create Session Database are not run: their only unattended form puts passwords on the command line, and a password change does not alter the schema. The configuration is applied from server.hsconf (/UpgradeInstall).',
              ]
            : []),
        'A database whose password policy keeps a history (SQL Server CHECK_POLICY, Oracle PASSWORD_REUSE_*) may refuse the old password on rollback: the rollback then stops and says so.',
        'Front-ends: after this run, copy the exported configuration to each front-end and apply it there (see the front-end procedure).',
        'If IT users log in through Active Directory and Service Center refuses you, run outsystems.ad-workaround, then apply settings.',
      ],
      ...rotationPhases(steps),
    };
  },
};

/**
 * Preflight (nothing changes), keeping the new passwords, the outage (from the first service stop
 * until every module has its new settings: modules log in with the old passwords until then), and
 * the checks after it. One outage confirmation, with the expected time down.
 */
function rotationPhases(steps: StepDefinition[]): Pick<Plan, 'phases' | 'outage'> {
  const from = (first: string, last: string) => {
    const start = steps.findIndex((step) => step.id === first);
    const end = steps.findIndex((step) => step.id === last);
    return steps.slice(start, end + 1);
  };
  const checks = steps.filter((step) => step.kind === 'check');
  const phased = [
    ...checks,
    ...from('record-new-passwords', 'record-new-passwords'),
    ...from('stop-services', 'apply-settings'),
    ...from('verify-modules', 'verify-no-login-failures'),
  ];
  if (phased.length !== steps.length || new Set(phased).size !== steps.length)
    throw new Error('rotate-db-passwords: every step must be in exactly one phase');
  return {
    phases: [
      { id: 'preflight', title: 'Preflight', summary: 'Checks only: nothing changes.', steps: checks },
      {
        id: 'prepare',
        title: 'Keep the new passwords',
        summary: 'Only the run folder changes.',
        steps: from('record-new-passwords', 'record-new-passwords'),
      },
      {
        id: 'outage',
        title: 'Outage: rotate and apply',
        summary: 'The whole environment is down.',
        steps: from('stop-services', 'apply-settings'),
      },
      {
        id: 'verify',
        title: 'Verify',
        summary: 'Reads only.',
        steps: from('verify-modules', 'verify-no-login-failures'),
      },
    ],
    outage: {
      phase: 'outage',
      expectedMinutes: ROTATION_EXPECTED_MINUTES,
      impact:
        'Every OutSystems application and Service Center is down: nobody can sign in or work until the services are back and every module has its new settings',
    },
  };
}

function userOf(all: RotationUser[], key: RotationUserKey): string {
  return all.find((user) => user.key === key)?.user ?? key;
}

function passwordFor(
  doc: HsConf,
  key: Buffer,
  planned: Map<RotationUserKey, { password: string }>,
  user: RotationUserKey,
): string {
  const definition = rotationUsers(doc).find((candidate) => candidate.key === user)?.definition;
  return (
    planned.get(user)?.password ??
    (definition ? requireHsconfSecret(doc, definition.section, definition.passwordKey, key) : '')
  );
}

function sessionPassword(doc: HsConf, key: Buffer, planned: Map<RotationUserKey, { password: string }>) {
  return passwordFor(doc, key, planned, 'session');
}

function fingerprint(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The password-change statement as it runs here and, in the sandbox, as it would run on the real server. */
function ddlForDisplay(rotation: Rotation, user: RotationUser): Array<{ dialect: string; text: string }> {
  const render = (dialect: Dialect) =>
    changePasswordDdl(dialect, {
      user: user.user,
      newPassword: 'x',
      oldPassword: dialect === 'postgres' ? undefined : 'x',
    }).display;
  if (rotation.env.kind !== 'sandbox')
    return [
      {
        dialect: `${dialectName(rotation.targetDialect)} (self-change form; without OLD_PASSWORD/REPLACE when the user may change others)`,
        text: render(rotation.targetDialect),
      },
    ];
  return [
    { dialect: `${dialectName('postgres')} (practice sandbox: runs here)`, text: render('postgres') },
    {
      dialect: `${dialectName(rotation.targetDialect)} (on the real server)`,
      text: render(rotation.targetDialect),
    },
  ];
}

// ---- preflight -------------------------------------------------------------------------------

function elevatedStep(env: Environment): StepDefinition {
  return {
    id: 'elevated',
    kind: 'check',
    title: 'Running elevated on the deployment controller',
    describe: () => ({
      summary: 'Stopping services and writing server.hsconf need an elevated (administrator) process.',
    }),
    async run(ctx) {
      const elevated = await elevation(env, process.platform);
      if (elevated === false)
        throw new StepFailure(
          'Breakglass is not running elevated.',
          'Start it again with "Run as administrator".',
        );
      ctx.log(
        elevated === 'not-needed'
          ? 'Practice sandbox: no elevation needed.'
          : elevated === 'unknown'
            ? 'Elevation could not be determined; the first service stop will tell.'
            : 'Running elevated.',
      );
    },
  };
}

function servicesFoundStep(order: string[]): StepDefinition {
  return {
    id: 'services-found',
    kind: 'check',
    title: 'The OutSystems services are there',
    describe: () => ({
      summary: `Finds the OutSystems services (expected: ${order.join(', ') || 'none found while planning'}) and IIS.`,
    }),
    async run(ctx) {
      const found = outSystemsServiceOrder(await ctx.env.services.list(OUTSYSTEMS_SERVICE_PREFIX));
      if (found.stop.length === 0)
        throw new StepFailure(
          'No OutSystems service was found on this server.',
          'Run this on the deployment controller.',
        );
      for (const skipped of found.skipped) ctx.log(`Left alone: ${skipped.name} (${skipped.reason}).`);
      ctx.log(`Stop order: ${found.stop.join(' → ')}, then IIS.`);
    },
  };
}

function currentCredentialsStep(rotation: Rotation): StepDefinition {
  return {
    id: 'current-credentials',
    kind: 'check',
    title: 'Every database is reachable with the current credentials',
    describe: () => ({
      summary:
        'Decrypts each user’s current password from server.hsconf with private.key and logs in with it.',
    }),
    async run(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      for (const user of rotationUsers(doc).filter((candidate) => !candidate.windowsAuthentication)) {
        const password = requireHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key);
        ctx.addSecret(password);
        const result = await ctx.env.db.test(settingsWithPassword(doc, key, user, password));
        if (!result.ok)
          throw new StepFailure(
            `${user.user} (${USER_LABELS[user.key]}) cannot log in with the password server.hsconf holds (${result.kind}): ${result.message}`,
            'Fix the connection first (Configuration Tool, Test Connection); nothing has been changed.',
          );
        ctx.log(`${user.user}: logs in (${result.serverVersion}).`);
      }
    },
  };
}

function changeRightStep(rotation: Rotation): StepDefinition {
  return {
    id: 'change-right',
    kind: 'check',
    title: 'Each user may change its password',
    describe: () => ({
      summary:
        'Each password is changed by the user itself. A user holding ALTER ANY LOGIN (SQL Server) / ALTER USER (Oracle) uses the plain form; one without it uses the self-change form with its current password (OLD_PASSWORD / REPLACE).',
      sql: rotation.chosen.flatMap((user) => ddlForDisplay(rotation, user)),
    }),
    async run(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      for (const user of rotation.chosen) {
        const password = requireHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key);
        const session = await ctx.env.db.connect(settingsWithPassword(doc, key, user, password));
        try {
          const [row] = await session.query<Record<string, unknown>>(changeOthersRightSql(session.dialect));
          const value = row ? Object.values(row)[0] : undefined;
          const canAlterOthers = value === true || Number(value) > 0;
          ctx.log(
            `${user.user}: ${canAlterOthers ? 'may change other logins; the plain form is used' : 'changes its own password with the self-change form (OLD_PASSWORD / REPLACE)'}.`,
          );
        } finally {
          await session.close();
        }
      }
    },
  };
}

/** What can be checked without the server: each dialect's limits and forbidden characters, SQL Server's CHECK_POLICY complexity, XML. */
export function offlinePasswordProblems(dialect: Dialect, password: string): string[] {
  const problems: string[] = [];
  try {
    changePasswordDdl(dialect, { user: 'u', newPassword: password });
  } catch (error) {
    problems.push(error instanceof DbInputError ? error.message : (error as Error).message);
  }
  if (dialect === 'mssql') {
    if ([...password].length < 8)
      problems.push('SQL Server’s password policy (CHECK_POLICY) wants at least 8 characters.');
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) =>
      pattern.test(password),
    ).length;
    if (classes < 3)
      problems.push(
        'SQL Server’s password policy wants characters from three of: lower case, upper case, digits, symbols.',
      );
  }
  if (dialect === 'oracle' && Buffer.byteLength(password) > 30)
    problems.push('Oracle before 23ai takes at most 30 bytes.');
  try {
    HsConf.parse('<EnvironmentConfiguration><S><K/></S></EnvironmentConfiguration>').set('S', 'K', password, {
      encrypted: false,
    });
  } catch (error) {
    problems.push((error as Error).message.replace(/^S\/K: /, ''));
  }
  return problems;
}

function offlinePasswordCheckStep(
  rotation: Rotation,
  planned: Map<RotationUserKey, { password: string; generated: boolean }>,
): StepDefinition {
  return {
    id: 'new-passwords-offline',
    kind: 'check',
    title: 'The new passwords pass the checks that can be made offline',
    describe: () => ({
      summary: `Length, forbidden characters and complexity for ${dialectName(rotation.targetDialect)}, and that server.hsconf (XML) can hold them. The server’s own policy is checked when the password is changed.`,
    }),
    async run(ctx) {
      const failures: string[] = [];
      for (const user of rotation.chosen) {
        const problems = offlinePasswordProblems(
          user.provider === 'Oracle' ? 'oracle' : 'mssql',
          planned.get(user.key)?.password ?? '',
        );
        if (problems.length) failures.push(`newPasswords.${user.key}: ${problems.join(' ')}`);
        else ctx.log(`newPasswords.${user.key}: passes.`);
      }
      if (failures.length)
        throw new StepFailure(
          failures.join('\n'),
          'Choose passwords that meet the policy (or leave them empty to generate one); nothing has been changed.',
        );
    },
  };
}

function configToolVersionStep(install: Install): StepDefinition {
  return {
    id: 'configuration-tool-version',
    kind: 'check',
    title: 'The Platform Server version is known',
    describe: () => ({
      summary:
        'Reads the version (registry `Server` value): it decides Apply Settings’ path and whether the tool’s log must be scrubbed.',
    }),
    async run(ctx) {
      if (!install.version)
        throw new StepFailure(
          'The Platform Server version could not be read from the registry.',
          'Check HKLM\\SOFTWARE\\OutSystems\\Installer\\Server, or continue: Apply Settings is then guided and the log is scrubbed.',
        );
      ctx.log(
        `Platform Server ${install.version}${isAtLeast(install.version, '11.16') === false ? ' (before 11.16: the Configuration Tool log holds credentials in plain text; it is scrubbed after each run)' : ''}.`,
      );
    },
    onFailure: ['retry', 'continue'],
  };
}

const MIN_FREE_BYTES = 50 * 1024 * 1024;

function diskSpaceStep(install: Install): StepDefinition {
  return {
    id: 'disk-space',
    kind: 'check',
    title: 'Disk space for the backups',
    describe: () => ({
      summary: `At least ${MIN_FREE_BYTES / 1024 / 1024} MB free where server.hsconf and its backup live.`,
    }),
    async run(ctx) {
      const stats = await fs.statfs(install.installDir);
      const free = stats.bavail * stats.bsize;
      if (free < MIN_FREE_BYTES)
        throw new StepFailure(
          `Only ${Math.round(free / 1024 / 1024)} MB free in ${install.installDir}.`,
          'Free some disk space, then retry.',
        );
      ctx.log(`${Math.round(free / 1024 / 1024)} MB free.`);
    },
  };
}

function frontEndsStep(rotation: Rotation): StepDefinition {
  return {
    id: 'front-ends',
    kind: 'check',
    title: 'Front-ends registered in OSSYS_SERVER',
    describe: () => ({
      summary:
        'Lists the servers in OSSYS_SERVER, so you know which front-ends need the new configuration afterwards.',
    }),
    async run(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      const servers = await listServers(ctx.env.db, platformAdminSettings(doc, key));
      ctx.log(
        servers.length
          ? `Servers: ${servers.map(serverLine).join(', ')}. After this run, outsystems.reconfigure-farm gives the front-ends the new configuration.`
          : 'No server is registered in OSSYS_SERVER.',
      );
    },
    onFailure: ['retry', 'continue'],
  };
}

// ---- the run ---------------------------------------------------------------------------------

function recordNewPasswordsStep(
  rotation: Rotation,
  planned: Map<RotationUserKey, { password: string; generated: boolean }>,
): StepDefinition {
  return {
    id: 'record-new-passwords',
    kind: 'change',
    title: 'Keep the new passwords for this run (encrypted with private.key)',
    describe: () => ({
      summary: `Fixes the new passwords of ${rotation.chosen.map((user) => user.user).join(', ')} for this run: encrypted with private.key in the run’s backup (0600), so a resume uses the same ones. A generated one is shown here once, for you to store, before the outage. Nothing outside the run folder changes.`,
    }),
    async run(ctx) {
      const { key } = await readInstall(rotation.install);
      const generated: Array<{ label: string; value: string }> = [];
      for (const user of rotation.chosen) {
        await saveNewPassword(ctx, user.key, planned.get(user.key)?.password as string, key);
        const kept = await loadNewPassword(ctx, user.key, key);
        ctx.log(
          `${user.user}: new password kept${kept === planned.get(user.key)?.password ? '' : ' (the one this run started with)'}.`,
        );
        if (planned.get(user.key)?.generated && kept)
          generated.push({ label: `New password of ${user.user}`, value: kept });
      }
      if (generated.length > 0 && !(await ctx.showOnce(generated)))
        throw new StepFailure(
          'The generated passwords were not confirmed as stored, so the outage does not start.',
          'Retry to see them again and store them; nothing outside the run folder has changed.',
        );
    },
  };
}

async function stopAll(ctx: StepContext, order: string[]): Promise<void> {
  for (const name of order) {
    await ctx.env.services.stop(name, { onProgress: (line) => ctx.log(line) });
    ctx.log(`${name}: stopped.`);
  }
  await iisReset(ctx.env.exec, 'stop');
  ctx.log('IIS: stopped.');
}

async function startAll(ctx: StepContext, order: string[]): Promise<void> {
  for (const name of order) {
    await ctx.env.services.start(name, { onProgress: (line) => ctx.log(line) });
    ctx.log(`${name}: running.`);
  }
  await iisReset(ctx.env.exec, 'start');
  ctx.log('IIS: started.');
}

function stopServicesStep(rotation: Rotation, planned: string[]): StepDefinition {
  const order = async (ctx: StepContext) =>
    outSystemsServiceOrder(await ctx.env.services.list(OUTSYSTEMS_SERVICE_PREFIX)).stop;
  return {
    id: 'stop-services',
    kind: 'change',
    title: 'Stop the OutSystems services, then IIS',
    compensation: {
      leaves: 'The OutSystems services and IIS are stopped: every application is down',
      restoredBy: 'start-services',
    },
    describe: () => ({
      summary: 'Stops the OutSystems services in the documented order, then IIS (iisreset /stop).',
      services: { stop: [...planned, 'IIS'], start: [] },
      outage: true,
      undo: 'Starts the services again in the documented order, then IIS.',
    }),
    async run(ctx) {
      await stopAll(ctx, await order(ctx));
    },
    async check(ctx) {
      for (const name of await order(ctx)) {
        const status = await ctx.env.services.status(name);
        if (status.state !== 'stopped')
          throw new StepFailure(`${name} is ${status.state}, not stopped.`, 'Retry the step.');
      }
    },
    async undo(ctx) {
      await startAll(ctx, await order(ctx));
    },
    onFailure: ['retry', 'rollback'],
  };
}

/** Which password logs the user in now: the new one, the old one, or neither. */
async function whichPasswordWorks(
  ctx: StepContext,
  doc: HsConf,
  key: Buffer,
  user: RotationUser,
  candidates: { new: string; old?: string },
): Promise<'new' | 'old' | 'neither'> {
  if ((await ctx.env.db.test(settingsWithPassword(doc, key, user, candidates.new))).ok) return 'new';
  if (
    candidates.old !== undefined &&
    (await ctx.env.db.test(settingsWithPassword(doc, key, user, candidates.old))).ok
  )
    return 'old';
  return 'neither';
}

/** Logs in as the user with `from` and sets `to`, in the self-change form unless the user may change others. */
async function setOwnPassword(
  ctx: StepContext,
  doc: HsConf,
  key: Buffer,
  user: RotationUser,
  from: string,
  to: string,
): Promise<void> {
  const session = await ctx.env.db.connect(settingsWithPassword(doc, key, user, from));
  try {
    const [row] = await session.query<Record<string, unknown>>(changeOthersRightSql(session.dialect));
    const value = row ? Object.values(row)[0] : undefined;
    const canAlterOthers = value === true || Number(value) > 0;
    const statement = changePasswordDdl(session.dialect, {
      user: user.user,
      newPassword: to,
      ...(canAlterOthers || session.dialect === 'postgres' ? {} : { oldPassword: from }),
    });
    try {
      await session.ddl(statement);
    } catch (error) {
      throw new StepFailure(
        `The database refused the password change for ${user.user}: ${(error as Error).message}`,
        'If the server’s password policy rejected it, choose another password and resume; nothing else has been changed for this user.',
      );
    }
  } finally {
    await session.close();
  }
}

function changePasswordStep(rotation: Rotation, user: RotationUser): StepDefinition {
  return {
    id: `change-password-${user.key}`,
    kind: 'change',
    title: `Change the password of ${user.user} (${USER_LABELS[user.key]})`,
    describe: () => ({
      summary: `Logs in as ${user.user} with its current password and sets the new one. Its current password is kept first, encrypted with private.key, for rollback.`,
      sql: ddlForDisplay(rotation, user),
      outage: true,
      undo: `Sets the old password of ${user.user} again.`,
    }),
    async run(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      const fresh = requireHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key);
      ctx.addSecret(fresh);
      const next = (await loadNewPassword(ctx, user.key, key)) as string;
      // On a resume after server.hsconf was rewritten it holds the new password: the first saved old one wins.
      if (fresh !== next) await saveOldPassword(ctx, user.key, fresh, key);
      const old = await loadOldPassword(ctx, user.key, key);
      const works = await whichPasswordWorks(ctx, doc, key, user, { new: next, old });
      if (works === 'new') {
        ctx.log(`${user.user} already has the new password.`);
        return;
      }
      if (works === 'neither' || old === undefined)
        throw new StepFailure(
          `${user.user} logs in neither with its old nor with its new password.`,
          'Someone changed it meanwhile: set it by hand in the database to the new password, then continue.',
        );
      await setOwnPassword(ctx, doc, key, user, old, next);
      ctx.log(`${user.user}: password changed.`);
    },
    async undo(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      const old = await loadOldPassword(ctx, user.key, key);
      const next = await loadNewPassword(ctx, user.key, key);
      if (old === undefined || next === undefined) return;
      const works = await whichPasswordWorks(ctx, doc, key, user, { new: old, old: next });
      if (works === 'new') {
        ctx.log(`${user.user} has its old password.`);
        return;
      }
      if (works === 'neither')
        throw new StepFailure(
          `${user.user} logs in neither with its new nor with its old password: its old password cannot be set again.`,
          'Set it by hand in the database (the old value is in the server.hsconf backup beside the file).',
        );
      await setOwnPassword(ctx, doc, key, user, next, old);
      ctx.log(`${user.user}: old password set again.`);
    },
    onFailure: ['retry', 'rollback'],
  };
}

function proveStep(rotation: Rotation): StepDefinition {
  return {
    id: 'prove-new-credentials',
    kind: 'verify',
    title: 'Test Connection: each new credential logs in (fresh connection); the old one no longer does',
    describe: () => ({
      summary: `Opens a new connection as each of ${rotation.chosen.map((user) => user.user).join(', ')} with its new password, and checks that the old one is refused, before any configuration is touched.`,
      outage: true,
    }),
    async run(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      for (const user of rotation.chosen) {
        const next = (await loadNewPassword(ctx, user.key, key)) as string;
        const result = await ctx.env.db.test(settingsWithPassword(doc, key, user, next));
        if (!result.ok)
          throw new StepFailure(
            `${user.user} cannot log in with its new password (${result.kind}): ${result.message}`,
            'Roll back (the old passwords are set again), or fix the login in the database and retry.',
          );
        const old = await loadOldPassword(ctx, user.key, key);
        if (
          old !== undefined &&
          old !== next &&
          (await ctx.env.db.test(settingsWithPassword(doc, key, user, old))).ok
        )
          throw new StepFailure(
            `${user.user} still logs in with its old password.`,
            'Retry the password change step.',
          );
        ctx.log(`${user.user}: the new password logs in, the old one is refused.`);
      }
    },
    onFailure: ['retry', 'rollback'],
  };
}

const HSCONF_BACKUP = 'rotation:hsconf-sha256';

/** The server.hsconf edit as the plan shows it: a unified diff with every password masked. */
function plannedDiff(
  hsconfPath: string,
  doc: HsConf,
  key: Buffer,
  chosen: RotationUser[],
  planned: Map<RotationUserKey, { password: string }>,
): string {
  let after = doc;
  for (const user of chosen)
    after = setHsconfSecret(
      after,
      user.definition.section,
      user.definition.passwordKey,
      planned.get(user.key)?.password as string,
      {
        privateKey: key,
      },
    );
  return hsconfEditDiff(hsconfPath, doc, after);
}

function writeHsconfStep(rotation: Rotation, diff: string): StepDefinition {
  const { hsconfPath } = rotation.install;
  return {
    id: 'write-hsconf',
    kind: 'change',
    title: 'Back up server.hsconf, then write the new passwords',
    describe: () => ({
      summary: `Copies ${hsconfPath} (into the run’s backup and beside the file), then writes each new password as $2$ encrypted with private.key; every other byte stays as it was.`,
      diff: { path: hsconfPath, unified: diff },
      outage: true,
      undo: 'Puts the backed-up server.hsconf back byte for byte (checked by SHA-256).',
    }),
    async run(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      const original = await fs.readFile(hsconfPath);
      await ctx.backup.saveFile(hsconfPath);
      await ctx.backup.saveValues(HSCONF_BACKUP, { sha256: fingerprint(original) });
      let edited = doc;
      for (const user of rotation.chosen) {
        const next = (await loadNewPassword(ctx, user.key, key)) as string;
        const current = requireHsconfSecret(
          edited,
          user.definition.section,
          user.definition.passwordKey,
          key,
        );
        if (current === next) continue;
        edited = setHsconfSecret(edited, user.definition.section, user.definition.passwordKey, next, {
          privateKey: key,
        });
      }
      if (edited.toString() === doc.toString()) {
        ctx.log('server.hsconf already holds the new passwords.');
        return;
      }
      const beside = await backupFileBeside(hsconfPath);
      await writeFileAtomic(hsconfPath, edited.toBuffer(), { mode: 0o600 });
      ctx.log(`server.hsconf written (backup beside it: ${path.basename(beside)}).`);
    },
    async check(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      for (const user of rotation.chosen) {
        const next = await loadNewPassword(ctx, user.key, key);
        if (requireHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key) !== next)
          throw new StepFailure(
            `server.hsconf does not hold the new password of ${user.user}.`,
            'Retry the step.',
          );
      }
    },
    async undo(ctx) {
      const saved = await ctx.backup.loadValues<{ sha256: string }>(HSCONF_BACKUP);
      if (!saved) return;
      await ctx.backup.restoreFile(hsconfPath);
      const restored = fingerprint(await fs.readFile(hsconfPath));
      if (restored !== saved.sha256)
        throw new StepFailure(
          'The restored server.hsconf does not match its backup (SHA-256).',
          'Restore it by hand from the copy beside it.',
        );
      ctx.log('server.hsconf restored byte for byte (SHA-256 matches the backup).');
    },
    onFailure: ['retry', 'rollback'],
  };
}

function grantPermissionsStep(rotation: Rotation, mode: 'run' | 'guide'): StepDefinition {
  if (mode === 'guide') {
    return {
      id: 'grant-permissions',
      kind: 'manual',
      title: 'Configuration Tool: Grant Permissions',
      describe: () => ({
        summary:
          'In the Configuration Tool, enter the new passwords and click Grant Permissions on the Platform and Log tabs.',
        instructions: [
          'Open the Configuration Tool on the deployment controller.',
          'On the Platform, Log and Session tabs, check the users and that the Password fields hold the new passwords (Breakglass wrote them to server.hsconf).',
          'Click Grant Permissions on the Platform and Log tabs.',
        ],
        outage: true,
      }),
      manualCheck: 'each runtime user can still read its tables with its new password',
      run: (ctx) => checkRuntimeGrants(ctx, rotation),
    };
  }
  return {
    id: 'grant-permissions',
    kind: 'verify',
    title: 'Grant Permissions: the runtime users still reach their tables',
    describe: () => ({
      summary:
        'A password change leaves the grants as they were; Breakglass checks them instead of re-granting: each runtime user reads a table of its database with its (new) password.',
      outage: true,
    }),
    run: (ctx) => checkRuntimeGrants(ctx, rotation),
    onFailure: ['retry', 'rollback', 'continue'],
  };
}

async function checkRuntimeGrants(ctx: StepContext, rotation: Rotation): Promise<void> {
  const { doc, key } = await readInstall(rotation.install);
  const probes: Array<[RotationUserKey, string]> = [
    ['platformRuntime', 'OSSYS_SERVER'],
    ['logRuntime', 'oslog_Error'],
  ];
  for (const [userKey, table] of probes) {
    const user = rotationUsers(doc).find((candidate) => candidate.key === userKey) as RotationUser;
    if (user.windowsAuthentication) continue;
    const password = requireHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key);
    const session = await ctx.env.db.connect(settingsWithPassword(doc, key, user, password));
    try {
      const name = session.dialect === 'postgres' ? table.toLowerCase() : table;
      await session.query(renderSql(sql`SELECT COUNT(*) AS n FROM ${ident(name)}`, session.dialect));
      ctx.log(`${user.user}: reads ${table}.`);
    } catch (error) {
      throw new StepFailure(
        `${user.user} cannot read ${table}: ${(error as Error).message}`,
        'Click Grant Permissions in the Configuration Tool (Platform and Log tabs), then retry.',
      );
    } finally {
      await session.close();
    }
  }
}

function exportFarmBundleStep(rotation: Rotation, bundleDirInput: string | undefined): StepDefinition {
  const key = 'rotation:farm-bundle';
  return {
    id: 'export-configuration',
    kind: 'change',
    title: 'Export the configuration for the front-ends',
    describe: () => ({
      summary: `Exports server.hsconf (without private.key) with a manifest to ${bundleDirInput ?? 'a new breakglass-farm-bundle-<time> folder beside server.hsconf'}, for the front-ends.`,
      outage: true,
    }),
    async run(ctx) {
      const saved = await ctx.backup.loadValues<{ dir: string }>(key);
      const dir =
        saved?.dir ??
        bundleDirInput ??
        path.join(
          rotation.install.installDir,
          `breakglass-farm-bundle-${new Date().toISOString().replace(/[:.]/g, '-')}`,
        );
      await ctx.backup.saveValues(key, { dir });
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      const manifest = await exportFarmBundle({
        installDir: rotation.install.installDir,
        bundleDir: dir,
        includePrivateKey: false,
        // The controller's farm signing key (0600) lives beside server.hsconf, outside the run folder.
        signingKey: await loadOrCreateSigningKey(
          path.join(rotation.install.installDir, 'breakglass-farm-signing.key'),
        ),
        ...(rotation.install.version ? { platformVersion: rotation.install.version } : {}),
      });
      ctx.log(
        `Exported to ${dir} (${manifest.files.map((file) => file.name).join(', ')}); signer fingerprint ${manifest.signer.fingerprint} (give it to each front-end import).`,
      );
    },
  };
}

function startServicesStep(planned: string[]): StepDefinition {
  return {
    id: 'start-services',
    kind: 'change',
    title: 'The OutSystems services and IIS are running',
    describe: () => ({
      summary:
        'Starts whatever the Configuration Tool left stopped, in the documented order, then IIS (iisreset /start).',
      services: { stop: [], start: [...planned, 'IIS'] },
    }),
    async run(ctx) {
      const order = outSystemsServiceOrder(await ctx.env.services.list(OUTSYSTEMS_SERVICE_PREFIX)).start;
      await startAll(ctx, order);
    },
    async check(ctx) {
      for (const name of outSystemsServiceOrder(await ctx.env.services.list(OUTSYSTEMS_SERVICE_PREFIX))
        .start) {
        const status = await ctx.env.services.status(name);
        if (status.state !== 'running')
          throw new StepFailure(`${name} is ${status.state}, not running.`, 'Retry the step.');
      }
    },
  };
}

const SETTINGS_APPLIED = 'rotation:settings-applied-from';

/** Notes when Apply Settings began: a login failure after it comes from a module it did not reach. */
function settingsAppliedFrom(step: StepDefinition): StepDefinition {
  return {
    ...step,
    async run(ctx) {
      await ctx.backup.saveValues(SETTINGS_APPLIED, { at: new Date().toISOString() });
      await step.run(ctx);
    },
  };
}

function applySettingsGuidedStep(rotation: Rotation): StepDefinition {
  return {
    id: 'apply-settings',
    kind: 'manual',
    title: 'Apply Settings to all modules in Service Center',
    describe: () => ({
      summary: 'In Service Center, apply settings to an All Components solution.',
      instructions: [
        'Log in to Service Center (if Active Directory blocks you, run outsystems.ad-workaround first).',
        'Create (or open) an "All Components" solution containing every module.',
        'On that solution click Apply Settings and wait for it to finish.',
      ],
    }),
    manualCheck: 'every module’s live appSettings.config holds the new passwords',
    async run(ctx) {
      await assertModulesCurrent(ctx, rotation);
    },
  };
}

async function assertModulesCurrent(ctx: StepContext, rotation: Rotation): Promise<void> {
  const { doc, key } = await readInstall(rotation.install);
  const modules = await checkModules(rotation.install.installDir, doc, key);
  const behind = modules.filter((module) => !isCurrent(module));
  for (const module of modules.filter(isCurrent)) ctx.log(`${module.name}: current.`);
  if (behind.length)
    throw new StepFailure(
      `${behind.length} module(s) still hold an old password: ${behind.map(describeCheck).join(' | ')}`,
      'Apply Settings to these modules in Service Center (All Components solution); republish any that keep failing. Then retry.',
    );
}

function verifyModulesStep(rotation: Rotation): StepDefinition {
  return {
    id: 'verify-modules',
    kind: 'verify',
    title: 'Every running module uses the new passwords',
    describe: () => ({
      summary:
        'Decrypts the connection strings of each module’s newest running\\<module> folder (appSettings.config) with private.key and compares them with server.hsconf; lists exactly the modules still holding an old password.',
    }),
    run: (ctx) => assertModulesCurrent(ctx, rotation),
    onFailure: ['retry', 'continue'],
  };
}

function verifyMachineConfigStep(rotation: Rotation): StepDefinition {
  return {
    id: 'verify-machine-config',
    kind: 'verify',
    title: 'Both machine.config files use the new passwords',
    describe: () => ({
      summary:
        'Decrypts the OutSystems.DB.* connection strings of the .NET 4 machine.config files (Framework and Framework64) and compares them with server.hsconf.',
    }),
    async run(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      const files = await checkMachineConfigs(ctx.env, doc, key);
      const behind = files.filter((file) => !isCurrent(file));
      if (behind.length)
        throw new StepFailure(
          `machine.config does not hold the new passwords: ${behind.map(describeCheck).join(' | ')}`,
          'Apply the configuration again (Configuration Tool: Apply and Exit), then retry.',
        );
      ctx.log(`${files.length} machine.config file(s): current.`);
    },
    onFailure: ['retry', 'continue'],
  };
}

function verifyNoLoginFailuresStep(rotation: Rotation): StepDefinition {
  return {
    id: 'verify-no-login-failures',
    kind: 'verify',
    title: 'No new database login failures since the restart',
    describe: () => ({
      summary:
        'Reads oslog_Error and oslog_Error_Previous in the Log database, and the Windows Application log (wevtutil), for login failures since settings were applied.',
    }),
    async run(ctx) {
      const { doc, key } = await readInstall(rotation.install);
      const applied = await ctx.backup.loadValues<{ at: string }>(SETTINGS_APPLIED);
      const since = applied ? new Date(applied.at) : new Date(Date.now() - 60 * 60_000);
      const failures = await withLogSession(ctx.env, doc, key, (session) => logLoginFailures(session, since));
      if (failures.length)
        throw new StepFailure(
          `${failures.length} login failure(s) since settings were applied: ${failures.map((failure) => `${failure.module || failure.server}: ${failure.message}`).join(' | ')}`,
          'Apply Settings to those modules (or republish them), then retry; outsystems.diagnose-db-logins lists them too.',
        );
      ctx.log(`No login failure in oslog_Error / oslog_Error_Previous since ${since.toISOString()}.`);
      if (ctx.env.kind === 'real' && process.platform !== 'win32') return;
      const events = (await readEventLogLoginFailures(ctx.env.exec, Date.now() - since.getTime())).filter(
        (event) => event.time >= since,
      );
      if (events.length)
        throw new StepFailure(
          `${events.length} login failure(s) in the Windows Event Log since settings were applied: ${events.map((event) => `${event.provider}: ${event.text.slice(0, 200)}`).join(' | ')}`,
          'A service still logs in with an old password: check server.hsconf against the database with outsystems.diagnose-db-logins, then restart the OutSystems services.',
        );
      ctx.log(`No login failure in the Windows Event Log since ${since.toISOString()}.`);
    },
    onFailure: ['retry', 'continue'],
  };
}
