import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { MASK } from '../../../shared/redact.js';
import { checkpoint } from '../../engine/checkpoints.js';
import {
  ProcedureRefusal,
  StepFailure,
  type Environment,
  type Plan,
  type ProcedureDefinition,
  type StepContext,
  type StepDefinition,
} from '../../engine/types.js';
import type { DbSession, DbSettings, RenderedSql } from '../../platform/db/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { CONFIG_RELATIVE_PATH, readSetting, withSetting } from './app-config.js';
import { hashPracticePassword, verifyPracticePassword } from './password-hash.js';
import { PRACTICE_ACCOUNT, PRACTICE_SERVICE, SEEDED_PASSWORD } from './seed.js';
import { lockFileBeside } from '../../engine/target-lock.js';
import { alreadyDoneBy } from '../../engine/already-done.js';

const STEP_IDS = [
  'check-account',
  'check-service',
  'stop-app',
  'set-password',
  'switch-password-store',
  'start-app',
  'record-password',
  'verify-login',
] as const;

const inputs = z
  .object({
    account: z
      .string()
      .regex(
        /^[a-z][a-z0-9_-]{0,62}$/,
        'use lower-case letters, digits, "-" or "_" (an account of the practice app)',
      )
      .default(PRACTICE_ACCOUNT)
      .meta({ description: 'The practice app account whose password is rotated.' }),
    newPassword: z
      .string()
      .min(12, 'use at least 12 characters')
      .max(256, 'use at most 256 characters')
      .meta({ secret: true, description: 'The new password for the account.' }),
    rehearseFailureAt: z
      .enum(STEP_IDS.filter((id) => !id.startsWith('check-')) as [string, ...string[]])
      .optional()
      .meta({
        description:
          'Practise failure handling: this step fails on its first attempt (again after a resume).',
      }),
  })
  .strict();

type DrillInputs = z.output<typeof inputs>;

/** Placeholder settings: the sandbox's connector always reaches the practice database. */
const SANDBOX_DB: DbSettings = {
  dialect: 'postgres',
  host: 'practice-sandbox',
  database: 'practice',
  authentication: 'sql',
  user: 'practice',
  password: '',
};

export const practiceDrill: ProcedureDefinition<typeof inputs> = {
  id: 'practice.drill',
  system: 'practice',
  title: 'Practice drill: rotate an app admin password',
  summary:
    'Rehearse a full recovery in the sandbox: checks, an outage, a password change, a config edit, a step by hand and a login test — then try retry, rollback and resume.',
  inputs,
  async plan({ inputs: given, env }) {
    if (env.kind !== 'sandbox' || !env.sandboxRoot) {
      throw new ProcedureRefusal(
        'practice.drill only runs in the practice sandbox. Plan it with --sandbox (or choose "Practice" in the app).',
      );
    }
    const configPath = path.join(env.sandboxRoot, CONFIG_RELATIVE_PATH);
    const configText = fs.existsSync(configPath) ? fs.readFileSync(configPath, 'utf8') : '';
    const service = await env.services.status(PRACTICE_SERVICE);
    return {
      target: `practice:${env.sandboxRoot}`,
      targetLock: lockFileBeside(path.dirname(configPath), 'the practice app’s config'),
      facts: [
        { label: 'Account', value: given.account, status: 'info' },
        { label: 'Password before the drill (seeded)', value: SEEDED_PASSWORD, status: 'info' },
        {
          label: 'Password store',
          value: readSetting(configText, 'password_store') ?? 'missing',
          status: 'info',
        },
        {
          label: `Service ${PRACTICE_SERVICE}`,
          value: service.state,
          status: service.state === 'running' ? 'ok' : 'warn',
        },
      ],
      warnings: given.rehearseFailureAt
        ? [`Rehearsal: "${given.rehearseFailureAt}" will fail on its first attempt.`]
        : [],
      afterwards: [
        'Sign in to PracticeApp with the new password (the drill already proved it works), then try Undo to see the way back.',
      ],
      ...drillPhases(drillSteps(given, env, configPath, configText)),
    };
  },
};

/** Preflight, the outage (service down from its stop to its start), then the follow-up: the phases a real recovery has. */
function drillPhases(steps: StepDefinition[]): Pick<Plan, 'phases' | 'outage'> {
  const pick = (...ids: Array<(typeof STEP_IDS)[number]>) =>
    ids.map((id) => steps.find((step) => step.id === id) as StepDefinition);
  return {
    phases: [
      {
        id: 'preflight',
        title: 'Preflight',
        summary: 'Checks only; nothing changes.',
        steps: pick('check-account', 'check-service'),
      },
      {
        id: 'outage',
        title: 'Outage',
        summary: `${PRACTICE_SERVICE} is down while the password and its store change.`,
        steps: pick('stop-app', 'set-password', 'switch-password-store', 'start-app'),
      },
      {
        id: 'follow-up',
        title: 'Follow-up',
        summary: 'Record the password and prove it logs in.',
        steps: pick('record-password', 'verify-login'),
      },
    ],
    outage: {
      phase: 'outage',
      expectedMinutes: 1,
      impact: `Nobody can sign in to the practice app while ${PRACTICE_SERVICE} is stopped`,
    },
  };
}

function drillSteps(
  given: DrillInputs,
  env: Environment,
  configPath: string,
  configText: string,
): StepDefinition[] {
  const rehearsedFailures = new Set<string>();
  const rehearse = async (stepId: string): Promise<void> => {
    if (given.rehearseFailureAt !== stepId || rehearsedFailures.has(stepId)) return;
    rehearsedFailures.add(stepId);
    throw new StepFailure(
      `Rehearsed failure of "${stepId}".`,
      'Practise: choose retry, rollback, or continue (fixed by hand).',
    );
  };
  const backupKey = `practice_accounts:${given.account}`;
  const updatedConfig = configText ? withSetting(configText, 'password_store', 'scrypt') : '';
  const steps: StepDefinition[] = [
    {
      id: 'check-account',
      kind: 'check',
      title: `Account "${given.account}" exists`,
      describe: () => ({
        summary: `Looks up ${given.account} in practice_accounts.`,
        sql: [{ dialect: 'postgres', text: selectAccount(given.account).display }],
      }),
      async run(ctx) {
        const stored = await withSession(env, (session) => storedHash(session, given.account));
        if (stored === undefined)
          throw new StepFailure(
            `There is no account "${given.account}" in the practice app.`,
            `Use "${PRACTICE_ACCOUNT}", or reset the practice sandbox (\`breakglass sandbox reset practice\`).`,
          );
        ctx.log(`Found ${given.account}.`);
      },
    },
    {
      id: 'check-service',
      kind: 'check',
      title: `Service ${PRACTICE_SERVICE} is installed`,
      describe: () => ({ summary: `Reads the state of ${PRACTICE_SERVICE}.` }),
      async run(ctx) {
        const status = await env.services.status(PRACTICE_SERVICE);
        if (status.state === 'missing')
          throw new StepFailure(
            `Service ${PRACTICE_SERVICE} is missing.`,
            'Reset the practice sandbox (`breakglass sandbox reset practice`).',
          );
        ctx.log(`${PRACTICE_SERVICE} is ${status.state}.`);
      },
    },
    serviceStep('stop-app', 'stop', rehearse),
    {
      id: 'set-password',
      kind: 'change',
      title: `Set the new password of ${given.account}`,
      describe: () => ({
        summary:
          'Stores the new password hash with a guarded UPDATE (exactly one row, only if the hash is still the old one).',
        sql: [{ dialect: 'postgres', text: updateHash(given.account, MASK, '').display }],
        undo: 'Puts the old password hash back (from the run backup).',
      }),
      async run(ctx) {
        await rehearse('set-password');
        await withSession(env, async (session) => {
          const current = await storedHash(session, given.account);
          if (current === undefined)
            throw new StepFailure(
              `Account "${given.account}" disappeared.`,
              'Reset the practice sandbox and start again.',
            );
          if (verifyPracticePassword(given.newPassword, current)) {
            const doneBy = await alreadyDoneBy(
              ctx.backup,
              backupKey,
              (recorded) => (recorded as { password_hash: string }).password_hash === current,
            );
            await ctx.backup.saveResult(backupKey, { password_hash: current });
            ctx.log(`The new password is already set (${doneBy}).`);
            return;
          }
          await ctx.backup.saveValues(backupKey, { password_hash: current });
          await checkpoint('set-password', 'during');
          const written = hashPracticePassword(given.newPassword);
          await session.guarded([{ sql: updateHash(given.account, written, current), expectRows: 1 }]);
          await ctx.backup.saveResult(backupKey, { password_hash: written });
          ctx.log('1 row updated.');
        });
      },
      async check() {
        const stored = await withSession(env, (session) => storedHash(session, given.account));
        if (!stored || !verifyPracticePassword(given.newPassword, stored))
          throw new StepFailure('The stored hash does not match the new password.', 'Retry the step.');
      },
      async checkUndo(ctx) {
        const left = await ctx.backup.loadResult<{ password_hash: string }>(backupKey);
        const stored = await withSession(env, (session) => storedHash(session, given.account));
        if (!left || stored !== left.password_hash)
          throw new StepFailure(
            `The password hash of ${given.account} is no longer the one this run wrote: it was changed since.`,
          );
      },
      async undo(ctx) {
        const saved = await ctx.backup.loadValues<{ password_hash: string }>(backupKey);
        if (!saved) return;
        await withSession(env, (session) =>
          session.guarded([
            {
              sql: {
                text: 'UPDATE practice_accounts SET password_hash = $1, updated_at = now() WHERE name = $2',
                params: [saved.password_hash, given.account],
                display: `UPDATE practice_accounts SET password_hash = <old hash> WHERE name = '${given.account}'`,
              },
              expectRows: 1,
            },
          ]),
        );
        ctx.log('The old password hash is back.');
      },
    },
    {
      id: 'switch-password-store',
      kind: 'change',
      title: 'Switch the app to the scrypt password store',
      describe: () => ({
        summary: `Sets password_store = scrypt in ${CONFIG_RELATIVE_PATH} (backed up first).`,
        diff: {
          path: configPath,
          unified: createTwoFilesPatch(configPath, configPath, configText, updatedConfig, 'before', 'after'),
        },
        undo: `Restores ${CONFIG_RELATIVE_PATH} byte for byte from its backup.`,
      }),
      async run(ctx) {
        await rehearse('switch-password-store');
        const current = fs.readFileSync(configPath, 'utf8');
        const updated = withSetting(current, 'password_store', 'scrypt');
        if (updated === current) {
          await ctx.backup.saveResult(configPath, { sha256: sha256(current) });
          ctx.log('Already set.');
          return;
        }
        await ctx.backup.saveFile(configPath);
        await checkpoint('switch-password-store', 'during');
        await writeFileAtomic(configPath, updated);
        await ctx.backup.saveResult(configPath, { sha256: sha256(updated) });
        ctx.log(`Wrote ${configPath}.`);
      },
      async checkUndo(ctx) {
        const left = await ctx.backup.loadResult<{ sha256: string }>(configPath);
        const now = fs.existsSync(configPath) ? sha256(fs.readFileSync(configPath, 'utf8')) : 'missing';
        if (!left || now !== left.sha256)
          throw new StepFailure(
            `${CONFIG_RELATIVE_PATH} is no longer the file this run wrote (SHA-256 ${now.slice(0, 12)}…, the run wrote ${left?.sha256.slice(0, 12) ?? 'nothing'}…): it was edited since.`,
          );
      },
      async check() {
        if (readSetting(fs.readFileSync(configPath, 'utf8'), 'password_store') !== 'scrypt')
          throw new StepFailure('password_store is not scrypt after the edit.', 'Retry the step.');
      },
      async undo(ctx) {
        await ctx.backup.restoreFile(configPath);
        ctx.log(`Restored ${configPath}.`);
      },
    },
    serviceStep('start-app', 'start', rehearse),
    {
      id: 'record-password',
      kind: 'manual',
      title: 'Record the new password in your vault',
      describe: () => ({
        summary: `Store the new password of ${given.account} where your team keeps credentials.`,
        instructions: [
          `Open your team's password vault.`,
          `Update the entry "Practice App — ${given.account}" with the new password.`,
          'Confirm here when saved.',
        ],
      }),
      async run(ctx) {
        await rehearse('record-password');
        const status = await env.services.status(PRACTICE_SERVICE);
        if (status.state !== 'running')
          throw new StepFailure(
            `${PRACTICE_SERVICE} is ${status.state}; the team cannot sign in.`,
            `Start ${PRACTICE_SERVICE}, then retry.`,
          );
        ctx.log(`${PRACTICE_SERVICE} is running: the team can sign in with the new password.`);
      },
    },
    {
      id: 'verify-login',
      kind: 'verify',
      title: 'The new password logs in',
      describe: () => ({
        summary: 'Asks the practice admin tool to log in (password on stdin).',
        command: { program: 'practice-admin', args: ['verify-login', '--user', given.account] },
      }),
      async run(ctx) {
        await rehearse('verify-login');
        const result = await env.exec.run({
          program: 'practice-admin',
          args: ['verify-login', '--user', given.account],
          stdin: `${given.newPassword}\n`,
          secrets: [given.newPassword],
        });
        if (result.exitCode !== 0)
          throw new StepFailure(
            `The login failed: ${result.stderr.trim() || `exit code ${String(result.exitCode)}`}`,
            'Check the earlier steps, then retry.',
          );
        ctx.log(result.stdout.trim());
      },
    },
  ];
  return steps;
}

function serviceStep(
  id: 'stop-app' | 'start-app',
  action: 'stop' | 'start',
  rehearse: (stepId: string) => Promise<void>,
): StepDefinition {
  const target = action === 'stop' ? 'stopped' : 'running';
  return {
    id,
    kind: 'change',
    title: `${action === 'stop' ? 'Stop' : 'Start'} ${PRACTICE_SERVICE}`,
    ...(action === 'stop'
      ? {
          compensation: {
            leaves: `${PRACTICE_SERVICE} is stopped: the team cannot sign in`,
            restoredBy: 'start-app',
          },
        }
      : {}),
    describe: () => ({
      summary: `${action === 'stop' ? 'Stops' : 'Starts'} the simulated ${PRACTICE_SERVICE} service.`,
      services: action === 'stop' ? { stop: [PRACTICE_SERVICE] } : { start: [PRACTICE_SERVICE] },
      outage: action === 'stop',
      undo: `${action === 'stop' ? 'Starts' : 'Stops'} ${PRACTICE_SERVICE} again.`,
    }),
    async run(ctx: StepContext) {
      await rehearse(id);
      await ctx.env.services[action](PRACTICE_SERVICE, { onProgress: (line) => ctx.log(line) });
    },
    async check(ctx: StepContext) {
      const status = await ctx.env.services.status(PRACTICE_SERVICE);
      if (status.state !== target)
        throw new StepFailure(
          `${PRACTICE_SERVICE} is ${status.state}, expected ${target}.`,
          'Retry the step.',
        );
    },
    // The stop is undone by the start that follows it; only the start's state can be checked.
    ...(action === 'start'
      ? {
          async checkUndo(ctx: StepContext) {
            const status = await ctx.env.services.status(PRACTICE_SERVICE);
            if (status.state !== 'running')
              throw new StepFailure(
                `${PRACTICE_SERVICE} is ${status.state}, not running as this run left it: someone changed it since.`,
              );
          },
        }
      : {}),
    async undo(ctx: StepContext) {
      await ctx.env.services[action === 'stop' ? 'start' : 'stop'](PRACTICE_SERVICE);
    },
  };
}

async function withSession<T>(env: Environment, work: (session: DbSession) => Promise<T>): Promise<T> {
  const session = await env.db.connect(SANDBOX_DB);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

function selectAccount(account: string): RenderedSql {
  return {
    text: 'SELECT password_hash FROM practice_accounts WHERE name = $1',
    params: [account],
    display: `SELECT password_hash FROM practice_accounts WHERE name = '${account}'`,
  };
}

function updateHash(account: string, newHash: string, currentHash: string): RenderedSql {
  return {
    text: 'UPDATE practice_accounts SET password_hash = $1, updated_at = now() WHERE name = $2 AND password_hash = $3',
    params: [newHash, account, currentHash],
    display: `UPDATE practice_accounts SET password_hash = '${MASK}', updated_at = now() WHERE name = '${account}' AND password_hash = '<current hash>'`,
  };
}

async function storedHash(session: DbSession, account: string): Promise<string | undefined> {
  const rows = await session.query<{ password_hash: string }>(selectAccount(account));
  return rows[0]?.password_hash;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
