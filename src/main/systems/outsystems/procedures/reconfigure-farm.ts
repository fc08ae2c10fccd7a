/**
 * `outsystems.reconfigure-farm`, on the deployment controller: gives every chosen front-end the
 * controller's configuration (after a rotation, its new database settings). The controller exports
 * a signed farm bundle, then each front-end is reached through the controller's own PowerShell
 * remoting and runs the same front-end steps as the offline procedure (`front-end-steps.ts`), the
 * front-ends in parallel. One that cannot be reached, or that needs Windows authentication to its
 * database from a remote session (the second hop), falls back to the bundle (`fallback: bundle`):
 * the run goes on without it and says where the bundle is and what to run there.
 */
import path from 'node:path';
import { z } from 'zod';
import { lockFileBeside } from '../../../engine/target-lock.js';
import {
  InputError,
  StepFailure,
  type PlanContext,
  type ProcedureDefinition,
  type StepContext,
  type StepDefinition,
} from '../../../engine/types.js';
import { powershellRemoteHost } from '../../../platform/remoting/powershell-remote-host.js';
import { loadOrCreateSigningKey } from '../../../platform/secrets/signing-key.js';
import { loginNameSchema } from '../../../platform/text/login-name.js';
import { exportFarmBundle } from '../farm-bundle.js';
import { frontEndSteps } from '../front-end-steps.js';
import { sandboxFrontEnds } from '../front-end-sandbox.js';
import { HsConf } from '../hsconf.js';
import { readableHsconfSecrets } from '../hsconf-secrets.js';
import { locateInstallDir } from '../platform-database.js';
import { loadPrivateKey } from '../private-key.js';
import {
  controllerName,
  listServers,
  platformAdminSettings,
  sameServer,
  serverLine,
  type RegisteredServer,
} from '../servers.js';

/** Where Platform Server sits on a front-end unless the admin says otherwise (the installer's default). */
const FRONT_END_INSTALL_DIR = 'C:\\Program Files\\OutSystems\\Platform Server';
/** Front-ends reconfigured at once: enough for a farm in one go, few enough not to flood WinRM. */
const DEFAULT_CONCURRENCY = 10;
const BUNDLE = 'farm:bundle';

export const reconfigureFarmInputs = z.object({
  frontEnds: z
    .array(loginNameSchema({ max: 255, minMessage: 'enter a server name' }))
    .min(1)
    .default(['all'])
    .meta({
      title: 'Front-ends',
      description:
        '`all` (every active server in OSSYS_SERVER but this one), or names as OSSYS_SERVER holds them.',
    }),
  fallback: z
    .enum(['bundle', 'stop'])
    .default('bundle')
    .meta({
      title: 'A front-end that cannot be reconfigured remotely',
      optionLabels: {
        bundle: 'Go on without it: its bundle is ready to carry to it',
        stop: 'Stop the run and ask',
      },
    }),
  localIp: z.record(z.string().max(255), z.string().trim().max(64)).optional().meta({
    title: 'Local IP per front-end',
    description:
      'Server name → its OutgoingIPAddress ("" = automatic). Default: kept when it is one of the server’s addresses, else the address OSSYS_SERVER holds.',
  }),
  installDir: z.string().trim().max(1024).optional().meta({
    title: 'Platform Server folder on this controller',
    description: 'Leave empty to read it from the registry.',
  }),
  frontEndInstallDir: z
    .string()
    .trim()
    .max(1024)
    .optional()
    .meta({
      title: 'Platform Server folder on the front-ends',
      description: `Default: ${FRONT_END_INSTALL_DIR}.`,
    }),
  bundleDir: z.string().trim().max(1024).optional().meta({
    title: 'Folder for the farm bundle',
    description: 'A new or empty folder; default: breakglass-farm-bundle-<time> beside server.hsconf.',
  }),
  concurrency: z.number().int().min(1).max(50).default(DEFAULT_CONCURRENCY).meta({
    title: 'Front-ends at once',
  }),
});

type Inputs = z.output<typeof reconfigureFarmInputs>;

interface Controller {
  installDir: string;
  hsconfPath: string;
  privateKeyPath: string;
}

async function readController(controller: Controller) {
  const doc = await HsConf.load(controller.hsconfPath);
  const { key } = await loadPrivateKey(controller.privateKeyPath);
  return { doc, key };
}

export const reconfigureFarm: ProcedureDefinition<typeof reconfigureFarmInputs> = {
  id: 'outsystems.reconfigure-farm',
  system: 'outsystems',
  title: 'Reconfigure every front-end of the farm',
  summary:
    'On the deployment controller, after a rotation: gives each front-end the controller’s configuration through PowerShell remoting (copy server.hsconf, stop, Local IP, test, apply, restart, registered), the front-ends in parallel; one that cannot be reached remotely gets the signed bundle to carry instead.',
  inputs: reconfigureFarmInputs,
  async plan({ inputs, env, addSecret }: PlanContext<Inputs>) {
    const installDir = inputs.installDir || (await locateInstallDir(env, 'installDir'));
    const controller: Controller = {
      installDir,
      hsconfPath: path.join(installDir, 'server.hsconf'),
      privateKeyPath: path.join(installDir, 'private.key'),
    };
    let servers: RegisteredServer[];
    try {
      const { doc, key } = await readController(controller);
      for (const secret of readableHsconfSecrets(doc, key)) addSecret(secret);
      servers = await listServers(env.db, platformAdminSettings(doc, key));
    } catch (error) {
      throw new InputError('installDir', (error as Error).message);
    }
    const self = controllerName(env);
    const frontEnds = chooseFrontEnds(inputs.frontEnds, servers, self);
    for (const name of Object.keys(inputs.localIp ?? {}))
      if (!frontEnds.some((server) => sameServer(server.name, name)))
        throw new InputError(
          'localIp',
          `${name} is not one of the chosen front-ends (${frontEnds.map((server) => server.name).join(', ')}).`,
        );
    const frontEndDir = (server: string) =>
      env.kind === 'sandbox'
        ? (sandboxFrontEnds(env.sandboxRoot ?? '').find((candidate) => sameServer(candidate.name, server))
            ?.installDir ?? FRONT_END_INSTALL_DIR)
        : inputs.frontEndInstallDir || FRONT_END_INSTALL_DIR;
    const bundle = async (ctx: StepContext) => {
      const saved = await ctx.backup.loadValues<{ dir: string; signer: string }>(BUNDLE);
      if (!saved)
        throw new StepFailure(
          'The farm bundle was not exported in this run.',
          'Resume the run from its start.',
        );
      return saved;
    };
    const lanes = frontEnds.flatMap((server) => [
      reachStep(server.name, env.kind),
      ...frontEndSteps({
        reach: {
          server: server.name,
          host: async (ctx) => remoteHost(ctx, server.name),
          installDir: async () => frontEndDir(server.name),
        },
        bundleDir: async (ctx) => (await bundle(ctx)).dir,
        signer: async (ctx) => (await bundle(ctx)).signer,
        ...(localIpFor(inputs.localIp, server.name) === undefined
          ? {}
          : { localIp: localIpFor(inputs.localIp, server.name) }),
        registration: async (ctx) => {
          const { doc, key } = await readController(controller);
          return { db: ctx.env.db, settings: platformAdminSettings(doc, key) };
        },
      }),
    ]);
    return {
      target: `outsystems:${installDir}`,
      targetLock: lockFileBeside(installDir, 'server.hsconf'),
      facts: [
        { label: 'Controller', value: `${self} (${installDir})`, status: 'info' },
        {
          label: 'Servers in OSSYS_SERVER',
          value: servers.map(serverLine).join(', ') || 'none',
          status: 'info',
        },
        {
          label: 'Front-ends to reconfigure',
          value: `${frontEnds.map((server) => server.name).join(', ')}, up to ${inputs.concurrency} at once`,
          status: 'info',
        },
        {
          label: 'Reached through',
          value:
            'PowerShell remoting from this controller (New-PSSession, Copy-Item -ToSession, Invoke-Command): Windows does authentication and encryption; nothing is installed on the front-ends',
          status: 'info',
        },
      ],
      warnings: [
        'Each front-end is out of service from its services’ stop until they are running again with the new configuration; the others keep serving.',
        inputs.fallback === 'bundle'
          ? 'A front-end that cannot be reached remotely, or that logs in to its database with Windows authentication (which a remote session cannot pass on: the second hop), is left as it is; the run goes on and says where the bundle is and what to run on that server.'
          : 'A front-end that cannot be reconfigured remotely stops the run once the others are done: retry it, go on without it, roll back, or stop.',
      ],
      phases: [
        {
          id: 'bundle',
          title: 'The controller’s configuration',
          summary: 'Exports the signed farm bundle every front-end gets.',
          steps: [exportBundleStep(controller, inputs.bundleDir)],
        },
        {
          id: 'front-ends',
          title: 'The front-ends',
          summary: 'Each front-end in its own lane, in parallel.',
          steps: lanes,
          fanOut: {
            concurrency: inputs.concurrency,
            onHostFailure: inputs.fallback === 'bundle' ? 'continue' : 'ask',
          },
        },
        {
          id: 'fallback',
          title: 'Front-ends left for the bundle',
          steps: [fallbackStep(bundle)],
        },
      ],
    };
  },
};

function chooseFrontEnds(wanted: string[], servers: RegisteredServer[], self: string): RegisteredServer[] {
  const others = servers.filter((server) => !sameServer(server.name, self));
  if (wanted.some((name) => name.toLowerCase() === 'all')) {
    if (wanted.length > 1)
      throw new InputError('frontEnds', '`all` stands alone: give either `all` or the servers’ names.');
    const active = others.filter((server) => server.active);
    if (active.length === 0)
      throw new InputError(
        'frontEnds',
        `OSSYS_SERVER lists no active front-end besides this controller (${self}): nothing to reconfigure.`,
      );
    return active;
  }
  return wanted.map((name) => {
    const server = others.find((candidate) => sameServer(candidate.name, name));
    if (server) return server;
    throw new InputError(
      'frontEnds',
      sameServer(name, self)
        ? `${name} is this controller: the rotation already configured it.`
        : `${name} is not in OSSYS_SERVER; it lists ${others.map((candidate) => candidate.name).join(', ') || 'no other server'}.`,
    );
  });
}

function localIpFor(chosen: Record<string, string> | undefined, server: string): string | undefined {
  return Object.entries(chosen ?? {}).find(([name]) => sameServer(name, server))?.[1];
}

async function remoteHost(ctx: StepContext, server: string) {
  return powershellRemoteHost({ exec: ctx.env.exec, computerName: server });
}

/** Opens a session to the front-end before anything changes there; the second hop shows in the front-end's own steps' login test. */
function reachStep(server: string, kind: string): StepDefinition {
  return {
    id: `fe:${server}:reach`,
    host: server,
    kind: 'check',
    title: `Reach ${server} through PowerShell remoting`,
    activity: 'connecting',
    describe: () => ({
      summary: `Opens a PowerShell remoting session to ${server} from this controller (Kerberos by name; WinRM settings untouched) and reads its addresses.${kind === 'sandbox' ? ' In the practice sandbox, the remoting is simulated.' : ''}`,
    }),
    async run(ctx) {
      const host = await remoteHost(ctx, server);
      const addresses = await host.addresses();
      ctx.log(`${server} answers; its addresses: ${addresses.join(', ') || 'none found'}.`);
    },
  };
}

function exportBundleStep(controller: Controller, bundleDirInput: string | undefined): StepDefinition {
  return {
    id: 'export-bundle',
    kind: 'change',
    title: 'Export the signed farm bundle',
    describe: () => ({
      summary: `Exports server.hsconf (without private.key) with a signed manifest to ${bundleDirInput ?? 'a new breakglass-farm-bundle-<time> folder beside server.hsconf'}. Every front-end gets this bundle, remotely or carried.`,
    }),
    async run(ctx) {
      const saved = await ctx.backup.loadValues<{ dir: string; signer: string }>(BUNDLE);
      if (saved) {
        ctx.log(`Bundle already exported in this run: ${saved.dir} (signer ${saved.signer}).`);
        return;
      }
      const dir =
        bundleDirInput ??
        path.join(
          controller.installDir,
          `breakglass-farm-bundle-${new Date().toISOString().replace(/[:.]/g, '-')}`,
        );
      const manifest = await exportFarmBundle({
        installDir: controller.installDir,
        bundleDir: dir,
        includePrivateKey: false,
        // The same key the rotation signs with, beside server.hsconf, outside the run folder.
        signingKey: await loadOrCreateSigningKey(
          path.join(controller.installDir, 'breakglass-farm-signing.key'),
        ),
      });
      await ctx.backup.saveValues(BUNDLE, { dir, signer: manifest.signer.fingerprint });
      ctx.log(`Exported to ${dir}; signer fingerprint ${manifest.signer.fingerprint}.`);
    },
  };
}

/** Says, for each front-end the fan-out went on without, where its bundle is and what to run there. */
function fallbackStep(
  bundle: (ctx: StepContext) => Promise<{ dir: string; signer: string }>,
): StepDefinition {
  return {
    id: 'bundle-for-the-rest',
    kind: 'verify',
    title: 'Bundle for the front-ends not reconfigured remotely',
    activity: 'bundle ready',
    describe: () => ({
      summary:
        'Lists the front-ends that were not reconfigured remotely, each with the bundle to carry to it and the command to run there.',
    }),
    async run(ctx) {
      const left = ctx.hosts().filter((host) => host.state !== 'done');
      if (left.length === 0) {
        ctx.log('Every front-end was reconfigured remotely: no bundle to carry.');
        return;
      }
      const { dir, signer } = await bundle(ctx);
      for (const host of left)
        ctx.log(
          `${host.host}: not reconfigured remotely (${host.message ?? host.activity ?? host.state}). Bundle ready: carry ${dir} to it and run there: breakglass run outsystems.reconfigure-front-end with bundle: <the copied folder>, signer: ${signer}.`,
        );
    },
  };
}
