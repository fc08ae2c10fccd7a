/**
 * `outsystems.reconfigure-front-end`, on a front-end itself, offline: imports the farm bundle the
 * controller exported (carried by USB or a share) and applies it, as the admin would by hand —
 * check the bundle, back up and replace server.hsconf, stop the services, keep a Local IP that is
 * this machine's, test the Platform, Log and Session logins, apply (/UpgradeInstall), restart, and
 * confirm the server is registered in OSSYS_SERVER with its IP. Rollback puts the old server.hsconf
 * back and restarts. In the practice sandbox it works on the simulated front-end SANDBOX-FE01.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { lockFileBeside } from '../../../engine/target-lock.js';
import {
  InputError,
  StepFailure,
  type Environment,
  type PlanContext,
  type ProcedureDefinition,
  type StepContext,
  type StepDefinition,
} from '../../../engine/types.js';
import { writeFileAtomic } from '../../../platform/files/atomic-write.js';
import { loadOrCreateSigningKey } from '../../../platform/secrets/signing-key.js';
import { ConfigurationToolRun } from '../config-tool.js';
import { FarmBundleError, MANIFEST_NAME } from '../farm-bundle.js';
import { machineIpv4Addresses } from '../../../platform/hosts/local-host.js';
import { checkFrontEndBundle } from '../front-end-bundle-check.js';
import {
  SANDBOX_FRONT_END,
  sandboxFrontEndInstallDir,
  sandboxMachineAddresses,
} from '../front-end-sandbox.js';
import {
  dbSettingsFromHsconf,
  OUTSYSTEMS_DB_ROLES,
  usesWindowsAuthentication,
} from '../hsconf-db-settings.js';
import { HsConf } from '../hsconf.js';
import { readableHsconfSecrets } from '../hsconf-secrets.js';
import { locateInstallDir } from '../platform-database.js';
import { loadPrivateKey } from '../private-key.js';
import { SANDBOX_INSTALL_DIR_NAME } from '../sandbox.js';
import { listServers, platformAdminSettings, sameServer } from '../servers.js';
import { OUTSYSTEMS_SERVICE_PREFIX, outSystemsServiceOrder } from '../services.js';

/** The signing key the controller's runs sign farm bundles with, beside its server.hsconf. */
const FARM_SIGNING_KEY = 'breakglass-farm-signing.key';

export const reconfigureFrontEndInputs = z.object({
  bundle: z.string().trim().min(1, 'give the farm bundle folder (or its manifest.json)').max(1024).meta({
    title: 'Farm bundle',
    description: 'The folder the controller exported (or its manifest.json), copied to this server.',
  }),
  installDir: z.string().trim().max(1024).optional().meta({
    title: 'Platform Server folder on this server',
    description: 'Leave empty to read it from the registry.',
  }),
  signer: z.string().trim().max(200).optional().meta({
    title: 'Signer fingerprint the controller’s run showed',
    description:
      'Required on a real front-end. In the practice sandbox, the sandbox controller’s own key is expected.',
  }),
  localIp: z.string().trim().max(64).optional().meta({
    title: 'Local IP (OutgoingIPAddress)',
    description: 'Empty = automatic. Default: this server’s current one, when it is one of its addresses.',
  }),
});

type Inputs = z.output<typeof reconfigureFrontEndInputs>;

interface FrontEnd {
  serverName: string;
  installDir: string;
  hsconfPath: string;
  bundleDir: string;
  signer: string;
  localIp?: string;
  addresses: string[];
}

export const reconfigureFrontEnd: ProcedureDefinition<typeof reconfigureFrontEndInputs> = {
  id: 'outsystems.reconfigure-front-end',
  system: 'outsystems',
  title: 'Reconfigure this front-end from the farm bundle',
  summary:
    'On a front-end, offline: checks the controller’s signed farm bundle, replaces server.hsconf (backed up), stops the services, keeps a Local IP of this machine, tests the database logins, applies and restarts, and confirms the server registered in OSSYS_SERVER. Can be undone.',
  inputs: reconfigureFrontEndInputs,
  async plan({ inputs, env, addSecret }: PlanContext<Inputs>) {
    const sandbox = env.kind === 'sandbox';
    const installDir =
      inputs.installDir ||
      (sandbox
        ? sandboxFrontEndInstallDir(env.sandboxRoot ?? '', SANDBOX_FRONT_END.name)
        : await locateInstallDir(env, 'installDir'));
    const frontEnd: FrontEnd = {
      serverName: sandbox ? SANDBOX_FRONT_END.name : os.hostname(),
      installDir,
      hsconfPath: path.join(installDir, 'server.hsconf'),
      bundleDir: bundleFolder(inputs.bundle),
      signer: inputs.signer || (await sandboxSigner(env)),
      ...(inputs.localIp === undefined ? {} : { localIp: inputs.localIp }),
      addresses: sandbox ? sandboxMachineAddresses(installDir) : machineIpv4Addresses(),
    };
    const checked = await checkBundle(frontEnd);
    const { key } = await loadPrivateKey(path.join(installDir, 'private.key'));
    const incoming = HsConf.parse(checked.hsconf, 'server.hsconf in the bundle');
    for (const secret of readableHsconfSecrets(incoming, key)) addSecret(secret);
    for (const secret of readableHsconfSecrets(await HsConf.load(frontEnd.hsconfPath), key))
      addSecret(secret);
    return {
      target: `outsystems:${installDir}`,
      targetLock: lockFileBeside(installDir, 'server.hsconf'),
      facts: [
        { label: 'This server', value: frontEnd.serverName, status: 'info' },
        { label: 'Platform Server folder', value: installDir, status: 'info' },
        {
          label: 'Bundle',
          value: `${frontEnd.bundleDir}, exported on ${checked.manifest.controllerHost} at ${checked.manifest.createdAt}, signed by ${checked.manifest.signer.fingerprint} (as expected)`,
          status: 'ok',
        },
        {
          label: 'Local IP (OutgoingIPAddress)',
          value:
            checked.outgoingIp === '' ? 'automatic' : `${checked.outgoingIp} (an address of this machine)`,
          status: 'ok',
        },
      ],
      warnings: [
        'This front-end is out of service from its services’ stop until they run again with the new configuration.',
      ],
      afterwards: [
        'Open an application served by this front-end to check it answers; keep the report with your change record.',
        'Delete the copied bundle from the USB stick or share once every front-end has it.',
      ],
      phases: [
        {
          id: 'preflight',
          title: 'Preflight',
          summary: 'Checks only: nothing changes.',
          steps: [checkBundleStep(frontEnd)],
        },
        {
          id: 'apply',
          title: 'Apply the controller’s configuration',
          steps: [
            writeHsconfStep(frontEnd),
            stopServicesStep(),
            testLoginsStep(frontEnd),
            applyStep(frontEnd),
            startServicesStep(),
          ],
        },
        { id: 'verify', title: 'Verify', steps: [registeredStep(frontEnd)] },
      ],
      outage: {
        firstStep: 'stop-services',
        lastStep: 'start-services',
        expectedMinutes: 10,
        impact: 'This front-end serves no application',
      },
    };
  },
};

function bundleFolder(given: string): string {
  const resolved = path.resolve(given);
  return path.basename(resolved) === MANIFEST_NAME ? path.dirname(resolved) : resolved;
}

/** The sandbox controller's signing key's fingerprint, when it has one (the rehearsal on one machine). */
async function sandboxSigner(env: Environment): Promise<string> {
  const file = path.join(env.sandboxRoot ?? '', SANDBOX_INSTALL_DIR_NAME, FARM_SIGNING_KEY);
  if (env.kind === 'sandbox' && fs.existsSync(file)) return (await loadOrCreateSigningKey(file)).fingerprint;
  throw new InputError(
    'signer',
    'give the signer fingerprint the controller’s run showed (its "Export" step logs it), so the bundle is checked against it.',
  );
}

async function checkBundle(frontEnd: FrontEnd) {
  try {
    return await checkFrontEndBundle({
      bundleDir: frontEnd.bundleDir,
      expectedSigner: frontEnd.signer,
      installDir: frontEnd.installDir,
      machineAddresses: frontEnd.addresses,
      ...(frontEnd.localIp === undefined ? {} : { localIp: frontEnd.localIp }),
    });
  } catch (error) {
    if (!(error instanceof FarmBundleError)) throw error;
    const field = /Local IP/.test(error.message)
      ? 'localIp'
      : /signed by/.test(error.message)
        ? 'signer'
        : 'bundle';
    throw new InputError(field, error.message);
  }
}

function checkBundleStep(frontEnd: FrontEnd): StepDefinition {
  return {
    id: 'check-bundle',
    kind: 'check',
    title: 'Check the farm bundle',
    describe: () => ({
      summary: `Checks ${frontEnd.bundleDir}: whole, signed by ${frontEnd.signer}, its passwords decrypt with this server’s private.key, and the Local IP is automatic or one of ${frontEnd.addresses.join(', ')}.`,
    }),
    async run(ctx) {
      const checked = await checkBundle(frontEnd).catch((error: unknown) => {
        throw new StepFailure((error as Error).message.replace(/^\w+: /, ''));
      });
      ctx.log(
        `Bundle from ${checked.manifest.controllerHost}, signed by ${checked.manifest.signer.fingerprint}.`,
      );
    },
  };
}

function writeHsconfStep(frontEnd: FrontEnd): StepDefinition {
  return {
    id: 'write-hsconf',
    kind: 'change',
    title: 'Back up server.hsconf, then replace it with the controller’s',
    describe: () => ({
      summary: `Saves ${frontEnd.hsconfPath} in the run’s backup (0600), then writes the bundle’s server.hsconf with this server’s Local IP.`,
      undo: 'Puts the old server.hsconf back byte for byte.',
    }),
    async run(ctx) {
      const checked = await checkBundle(frontEnd);
      await ctx.backup.saveFile(frontEnd.hsconfPath);
      await writeFileAtomic(frontEnd.hsconfPath, checked.hsconf);
      ctx.log(`Wrote ${frontEnd.hsconfPath} (Local IP ${checked.outgoingIp || 'automatic'}).`);
    },
    async undo(ctx) {
      await ctx.backup.restoreFile(frontEnd.hsconfPath);
      ctx.log(`Restored ${frontEnd.hsconfPath}.`);
    },
  };
}

async function serviceOrder(ctx: StepContext) {
  return outSystemsServiceOrder(await ctx.env.services.list(OUTSYSTEMS_SERVICE_PREFIX));
}

async function startAll(ctx: StepContext): Promise<void> {
  for (const name of (await serviceOrder(ctx)).start) {
    await ctx.env.services.start(name, { onProgress: (line) => ctx.log(line) });
    ctx.log(`${name}: running.`);
  }
}

function stopServicesStep(): StepDefinition {
  return {
    id: 'stop-services',
    kind: 'change',
    title: 'Stop the OutSystems services',
    activity: 'stopping',
    compensation: {
      leaves: 'The OutSystems services of this front-end are stopped: it serves no application',
      restoredBy: 'start-services',
    },
    describe: () => ({
      summary: 'Stops the OutSystems services in the documented order.',
      undo: 'Starts them again.',
    }),
    async run(ctx) {
      for (const name of (await serviceOrder(ctx)).stop) {
        await ctx.env.services.stop(name, { onProgress: (line) => ctx.log(line) });
        ctx.log(`${name}: stopped.`);
      }
    },
    undo: startAll,
  };
}

function testLoginsStep(frontEnd: FrontEnd): StepDefinition {
  return {
    id: 'test-logins',
    kind: 'verify',
    title: 'Test the Platform, Log and Session logins',
    describe: () => ({
      summary: 'Opens a connection as each database user the new server.hsconf names, from this server.',
    }),
    async run(ctx) {
      const doc = await HsConf.load(frontEnd.hsconfPath);
      const { key } = await loadPrivateKey(path.join(frontEnd.installDir, 'private.key'));
      for (const definition of OUTSYSTEMS_DB_ROLES) {
        if (definition.role.endsWith('-admin')) continue;
        if (usesWindowsAuthentication(doc, definition.section)) {
          ctx.log(`${definition.label}: Windows authentication (the services log in as their own account).`);
          continue;
        }
        const settings = dbSettingsFromHsconf(doc, key, definition.role);
        const result = await ctx.env.db.test(settings);
        if (!result.ok)
          throw new StepFailure(
            `The ${definition.label} user ${settings.user} cannot log in: ${result.message ?? result.kind ?? 'refused'}.`,
            'Check that the bundle is the one exported after the rotation, and that this server reaches the database; then retry, or roll back.',
          );
        ctx.log(`${definition.label} (${settings.user}): logs in.`);
      }
    },
  };
}

function applyStep(frontEnd: FrontEnd): StepDefinition {
  const tool = new ConfigurationToolRun({
    installDir: frontEnd.installDir,
    switches: [{ name: 'UpgradeInstall' }],
  });
  return {
    id: 'apply',
    kind: 'change',
    title: 'Apply the configuration (Configuration Tool /UpgradeInstall)',
    activity: 'applying',
    describe: () => tool.describe(),
    async run(ctx) {
      const outcome = await tool.run(ctx.env.exec);
      if (outcome.stdout.trim()) ctx.log(outcome.stdout.trim());
    },
  };
}

function startServicesStep(): StepDefinition {
  return {
    id: 'start-services',
    kind: 'change',
    title: 'Start the OutSystems services',
    describe: () => ({ summary: 'Starts the OutSystems services in the documented order.' }),
    run: startAll,
  };
}

function registeredStep(frontEnd: FrontEnd): StepDefinition {
  return {
    id: 'registered',
    kind: 'verify',
    title: 'Confirm this server is registered',
    activity: 'registered',
    describe: () => ({
      summary: `Reads OSSYS_SERVER through the new server.hsconf: ${frontEnd.serverName} must be active, with its Local IP.`,
    }),
    async run(ctx) {
      const doc = await HsConf.load(frontEnd.hsconfPath);
      const { key } = await loadPrivateKey(path.join(frontEnd.installDir, 'private.key'));
      const servers = await listServers(ctx.env.db, platformAdminSettings(doc, key));
      const row = servers.find((server) => sameServer(server.name, frontEnd.serverName));
      const expected = doc.get('NetworkConfiguration', 'OutgoingIPAddress')?.value.trim();
      if (!row?.active)
        throw new StepFailure(
          `${frontEnd.serverName} is ${row ? 'inactive' : 'not'} in OSSYS_SERVER after the apply.`,
          'Open the Configuration Tool on this server and click Apply and Exit; then retry.',
        );
      if (expected && row.ipAddress !== expected)
        throw new StepFailure(
          `${frontEnd.serverName} is registered with ${row.ipAddress}, not its Local IP ${expected}.`,
          'Check the Network tab of the Configuration Tool, apply, then retry.',
        );
      ctx.log(`${row.name}: active in OSSYS_SERVER with ${row.ipAddress}.`);
    },
  };
}
