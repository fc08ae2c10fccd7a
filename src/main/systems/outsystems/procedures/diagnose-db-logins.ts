/**
 * `outsystems.diagnose-db-logins`: the seed's troubleshooting as a read-only run. It tries each
 * database user's login with what server.hsconf holds, reads the login failures of the Log
 * database's error views and of the Windows Event Log, finds the modules and machine.config files
 * still on an old password, and ends with what to do for each finding. Nothing changes: every step is
 * a check, and the last one fails (exit 3, nothing changed) when something was found.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  InputError,
  StepFailure,
  type Environment,
  type PlanContext,
  type ProcedureDefinition,
  type StepDefinition,
} from '../../../engine/types.js';
import { readEventLogLoginFailures, WEVTUTIL_PROGRAM } from '../event-log.js';
import { HsConf } from '../hsconf.js';
import { dbSettingsFromHsconf } from '../hsconf-db-settings.js';
import { readableHsconfSecrets } from '../hsconf-secrets.js';
import { locateInstallDir } from '../platform-database.js';
import { loadPrivateKey } from '../private-key.js';
import { rotationUsers } from '../rotation-users.js';
import {
  checkMachineConfigs,
  checkModules,
  describeCheck,
  isCurrent,
  logLoginFailures,
  withLogSession,
} from '../rotation-verify.js';

export const diagnoseDbLoginsInputs = z.strictObject({
  installDir: z.string().min(1).optional().meta({
    description: 'The Platform Server folder (server.hsconf, private.key); default: from the registry.',
  }),
  sinceHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24)
    .meta({ description: 'How far back to look for login failures, in hours.' }),
});

type Inputs = z.output<typeof diagnoseDbLoginsInputs>;

/** What a probe found, and what to do about it. */
interface Finding {
  what: string;
  todo: string;
}

const PROBES = ['logins-now', 'log-database', 'event-log', 'modules'] as const;

/** Each probe keeps its findings in the run's backup store, so a retry replaces them and a resume still has them. */
function findingsKey(probe: (typeof PROBES)[number]): string {
  return `diagnosis:${probe}`;
}

async function readConfig(installDir: string) {
  const doc = await HsConf.load(path.join(installDir, 'server.hsconf'));
  const { key } = await loadPrivateKey(path.join(installDir, 'private.key'));
  return { doc, key };
}

export const diagnoseDbLogins: ProcedureDefinition<typeof diagnoseDbLoginsInputs> = {
  id: 'outsystems.diagnose-db-logins',
  system: 'outsystems',
  title: 'Diagnose the platform’s database logins',
  summary:
    'Reads only: which database users server.hsconf cannot log in as, the login failures in the Log database and the Windows Event Log, the modules and machine.config files still on an old password, and what to do for each.',
  inputs: diagnoseDbLoginsInputs,
  async plan({ inputs, env, addSecret }: PlanContext<Inputs>) {
    const installDir = inputs.installDir || (await locateInstallDir(env, 'installDir'));
    let config: Awaited<ReturnType<typeof readConfig>>;
    try {
      config = await readConfig(installDir);
    } catch (error) {
      throw new InputError('installDir', (error as Error).message);
    }
    for (const secret of readableHsconfSecrets(config.doc, config.key)) addSecret(secret);
    const users = rotationUsers(config.doc);
    const since = () => new Date(Date.now() - inputs.sinceHours * 3_600_000);
    const steps: StepDefinition[] = [
      loginsNowStep(installDir, env),
      logDatabaseStep(installDir, env, since),
      eventLogStep(env, inputs.sinceHours),
      modulesStep(installDir, env),
      diagnosisStep(),
    ];
    return {
      target: `outsystems:${installDir}`,
      facts: [
        { label: 'Platform Server folder', value: installDir, status: 'info' },
        {
          label: 'Database users in server.hsconf',
          value: users
            .map((user) => `${user.user}${user.windowsAuthentication ? ' (Windows authentication)' : ''}`)
            .join(', '),
          status: 'info',
        },
        { label: 'Looks back', value: `${inputs.sinceHours} h`, status: 'info' },
      ],
      warnings: ['Reads only: nothing is changed, no service is stopped.'],
      steps,
    };
  },
};

function loginsNowStep(installDir: string, env: Environment): StepDefinition {
  return {
    id: 'logins-now',
    kind: 'check',
    title: 'Log in as each database user with what server.hsconf holds',
    describe: () => ({
      summary:
        'Opens a fresh connection per user with the password server.hsconf holds (decrypted with private.key); Windows-authenticated users are left out.',
    }),
    async run(ctx) {
      const findings: Finding[] = [];
      const { doc, key } = await readConfig(installDir);
      for (const user of rotationUsers(doc)) {
        if (user.windowsAuthentication) {
          ctx.log(`${user.user}: Windows authentication (no password to check).`);
          continue;
        }
        const result = await env.db.test(dbSettingsFromHsconf(doc, key, user.role));
        if (result.ok) {
          ctx.log(`${user.user}: logs in.`);
          continue;
        }
        ctx.log(`${user.user}: REFUSED (${result.kind}: ${result.message}).`);
        findings.push({
          what: `${user.user} cannot log in with the password server.hsconf holds (${result.kind}).`,
          todo:
            result.kind === 'login-failed'
              ? 'The database and server.hsconf disagree. If a rotation ran, finish or roll it back (`breakglass runs`); otherwise set the database’s password in the Configuration Tool (Database tab) and Apply and Exit.'
              : 'Check that the database server is reachable from here (network, firewall, instance name), then run this again.',
        });
      }
      await ctx.backup.saveResult(findingsKey('logins-now'), findings);
    },
  };
}

function logDatabaseStep(installDir: string, env: Environment, since: () => Date): StepDefinition {
  return {
    id: 'log-database',
    kind: 'check',
    title: 'Login failures in the Log database (oslog_Error, oslog_Error_Previous)',
    describe: () => ({
      summary:
        'Reads the error views of the Log database as its admin user, for login failures in the period.',
    }),
    async run(ctx) {
      const findings: Finding[] = [];
      const { doc, key } = await readConfig(installDir);
      let failures;
      try {
        failures = await withLogSession(env, doc, key, (session) => logLoginFailures(session, since()));
      } catch (error) {
        ctx.log(`The Log database cannot be read: ${(error as Error).message}`);
        findings.push({
          what: 'The Log database cannot be read with the Log admin login server.hsconf holds.',
          todo: 'The Log Service cannot write its own login failure there either: the Event Log (next) is where it shows.',
        });
        await ctx.backup.saveResult(findingsKey('log-database'), findings);
        return;
      }
      for (const failure of failures)
        ctx.log(
          `${failure.instant.toISOString()} ${failure.module || '(service)'} on ${failure.server}: ${failure.message}`,
        );
      ctx.log(`${failures.length} login failure(s) in the period.`);
      const modules = [...new Set(failures.map((failure) => failure.module).filter(Boolean))];
      if (failures.length > 0)
        findings.push({
          what: `${failures.length} login failure(s) in the Log database${modules.length ? `, from ${modules.join(', ')}` : ''}.`,
          todo: 'Failures older than the last Apply Settings are history; recent ones come from the modules found below.',
        });
      await ctx.backup.saveResult(findingsKey('log-database'), findings);
    },
  };
}

function eventLogStep(env: Environment, sinceHours: number): StepDefinition {
  return {
    id: 'event-log',
    kind: 'check',
    title: 'Login failures in the Windows Event Log (Application)',
    describe: () => ({
      summary: 'Reads the Application log for the OutSystems services and SQL Server (event 18456).',
      command: {
        program: WEVTUTIL_PROGRAM,
        args: ['qe', 'Application', '/q:…', '/f:xml', '/e:Events', '/rd:true'],
      },
    }),
    async run(ctx) {
      const findings: Finding[] = [];
      if (env.kind === 'real' && process.platform !== 'win32') {
        ctx.log('This is not Windows: there is no Event Log to read here. Run this on the server.');
        await ctx.backup.saveResult(findingsKey('event-log'), findings);
        return;
      }
      const failures = await readEventLogLoginFailures(env.exec, sinceHours * 3_600_000).catch(
        (error: Error) => {
          throw new StepFailure(
            error.message,
            'Run Breakglass as an administrator, or read the Application log in Event Viewer.',
          );
        },
      );
      for (const failure of failures)
        ctx.log(`${failure.time.toISOString()} ${failure.provider}: ${failure.text.slice(0, 300)}`);
      ctx.log(`${failures.length} login failure(s) in the Event Log in the period.`);
      const users = [...new Set(failures.map((failure) => failure.user).filter(Boolean))];
      if (failures.length > 0)
        findings.push({
          what: `${failures.length} login failure(s) in the Event Log${users.length ? ` for ${users.join(', ')}` : ''}.`,
          todo: 'A service that cannot log in keeps retrying: once server.hsconf and the database agree, restart the OutSystems services (or Apply and Exit in the Configuration Tool).',
        });
      await ctx.backup.saveResult(findingsKey('event-log'), findings);
    },
  };
}

function modulesStep(installDir: string, env: Environment): StepDefinition {
  return {
    id: 'modules',
    kind: 'check',
    title: 'Modules and machine.config still on an old password',
    describe: () => ({
      summary:
        'Compares every module’s live running\\<module>\\appSettings.config and both machine.config files with server.hsconf.',
    }),
    async run(ctx) {
      const findings: Finding[] = [];
      const { doc, key } = await readConfig(installDir);
      const modules = await checkModules(installDir, doc, key);
      const machine = await checkMachineConfigs(env, doc, key);
      for (const file of [...modules, ...machine]) ctx.log(describeCheck(file));
      const staleModules = modules.filter((file) => !isCurrent(file)).map((file) => file.name);
      const staleMachine = machine.filter((file) => !isCurrent(file)).map((file) => file.name);
      if (staleModules.length > 0)
        findings.push({
          what: `Modules not on server.hsconf’s passwords: ${staleModules.join(', ')}.`,
          todo: 'In Service Center, Apply Settings to those modules (or to an All Components solution; /ApplySettingsFactory on 11.10+). Republish a module that still fails after that.',
        });
      if (staleMachine.length > 0)
        findings.push({
          what: `machine.config not on server.hsconf’s passwords: ${staleMachine.join(', ')}.`,
          todo: 'Run the Configuration Tool’s Apply and Exit (/UpgradeInstall): it rewrites both machine.config files.',
        });
      await ctx.backup.saveResult(findingsKey('modules'), findings);
    },
  };
}

function diagnosisStep(): StepDefinition {
  return {
    id: 'diagnosis',
    kind: 'check',
    title: 'What was found, and what to do',
    describe: () => ({ summary: 'Lists each finding with what to do; fails when there is any.' }),
    async run(ctx) {
      const findings: Finding[] = [];
      for (const probe of PROBES)
        findings.push(...((await ctx.backup.loadResult<Finding[]>(findingsKey(probe))) ?? []));
      if (findings.length === 0) {
        ctx.log('Every login works and every module and machine.config uses server.hsconf’s passwords.');
        return;
      }
      findings.forEach((finding, index) =>
        ctx.log(`${index + 1}. ${finding.what} What to do: ${finding.todo}`),
      );
      throw new StepFailure(
        `${findings.length} problem(s) found: ${findings.map((finding) => finding.what).join(' ')}`,
        findings.map((finding, index) => `(${index + 1}) ${finding.todo}`).join(' '),
      );
    },
  };
}
