/**
 * The practice sandbox's simulated programs: `ConfigurationTool.com`, whose switches change the
 * sandbox the way the real tool changes a server (sandbox-apply.ts), and `iisreset.exe`, which
 * stops and starts the sandbox's W3SVC, and `wevtutil.exe`, the Application log as the services'
 * logins make it. `<root>/practice.json` rehearses failures:
 * `{"configurationToolFails": ["/UpgradeInstall"], "applySettingsSkips": ["CustomerPortal"]}`.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import type { SandboxSeedContext, SimulatedProgram } from '../../engine/types.js';
import type { ExecResult } from '../../platform/exec/types.js';
import { escapeXmlAttribute, escapeXmlText } from '../../../shared/xml-escape.js';
import { CONFIG_TOOL_PROGRAM } from './config-tool.js';
import { WEVTUTIL_PROGRAM } from './event-log.js';
import { sandboxFrontEndOf, sandboxMachineAddresses } from './front-end-sandbox.js';
import { HsConf } from './hsconf.js';
import {
  dbSettingsFromHsconf,
  OUTSYSTEMS_DB_ROLES,
  usesWindowsAuthentication,
} from './hsconf-db-settings.js';
import { loadPrivateKey } from './private-key.js';
import {
  SANDBOX_CONFIG_TOOL_LOG,
  SANDBOX_IIS_SERVICE,
  SANDBOX_INSTALL_DIR_NAME,
  SANDBOX_LOG_CATALOG,
  SANDBOX_PRACTICE_FILE,
  SANDBOX_SERVER_NAME,
} from './sandbox.js';
import { startModules, writeMachineConfigs, writeModuleSettings } from './sandbox-apply.js';
import { OUTSYSTEMS_SERVICE_PREFIX, outSystemsServiceOrder } from './services.js';

const KNOWN_SWITCHES = new Set([
  '/SetupInstall',
  '/UpgradeInstall',
  '/RebuildSession',
  '/InstallServiceCenter',
  '/InstallSystemComponents',
  '/UpgradeEnvironment',
  '/ApplySettingsFactory',
]);

const PracticeKnobs = z.object({
  configurationToolFails: z.array(z.string()).default([]),
  applySettingsSkips: z.array(z.string()).default([]),
});

function practiceKnobs(root: string): z.output<typeof PracticeKnobs> {
  try {
    return PracticeKnobs.parse(JSON.parse(fs.readFileSync(path.join(root, SANDBOX_PRACTICE_FILE), 'utf8')));
  } catch {
    return PracticeKnobs.parse({});
  }
}

class ToolFailure extends Error {}

async function loadInstall(sandbox: SandboxSeedContext) {
  const installDir = path.join(sandbox.root, SANDBOX_INSTALL_DIR_NAME);
  const doc = await HsConf.load(path.join(installDir, 'server.hsconf'));
  const { key } = await loadPrivateKey(path.join(installDir, 'private.key'));
  return { installDir, doc, key };
}

/** Stops the OutSystems services in the documented order and starts them again, as Apply and Exit's restart does. */
async function restartServices(sandbox: SandboxSeedContext, log: (line: string) => void): Promise<void> {
  const order = outSystemsServiceOrder(await sandbox.services.list(OUTSYSTEMS_SERVICE_PREFIX));
  try {
    for (const name of order.stop) await sandbox.services.stop(name);
  } catch (error) {
    throw new ToolFailure(`Restarting the services failed: ${(error as Error).message}`);
  }
  for (const name of order.start) await sandbox.services.start(name);
  log(`[sandbox] Restarted ${order.start.length} OutSystems services.`);
}

/** Test Connection for every database user server.hsconf names, with the credentials it holds. */
async function testConnections(sandbox: SandboxSeedContext, doc: HsConf, key: Buffer): Promise<void> {
  for (const definition of OUTSYSTEMS_DB_ROLES) {
    if (usesWindowsAuthentication(doc, definition.section)) continue;
    const settings = dbSettingsFromHsconf(doc, key, definition.role);
    const result = await sandbox.db.test(settings);
    if (!result.ok)
      throw new ToolFailure(
        `Test connection failed for the ${definition.label} user '${settings.user}': Login failed for user '${settings.user}'.`,
      );
  }
}

async function testArgvCredentials(
  sandbox: SandboxSeedContext,
  doc: HsConf,
  key: Buffer,
  role: (typeof OUTSYSTEMS_DB_ROLES)[number]['role'],
  user: string | undefined,
  password: string | undefined,
): Promise<void> {
  if (user === undefined || password === undefined) return;
  const settings = { ...dbSettingsFromHsconf(doc, key, role), user, password };
  const result = await sandbox.db.test(settings);
  if (!result.ok) throw new ToolFailure(`Login failed for user '${user}'.`);
}

async function runSwitch(
  name: string,
  args: readonly string[],
  sandbox: SandboxSeedContext,
  log: (line: string) => void,
): Promise<void> {
  const knobs = practiceKnobs(sandbox.root);
  if (knobs.configurationToolFails.includes(name))
    throw new ToolFailure(`${name} failed (practice: rehearsing a Configuration Tool error).`);
  const { installDir, doc, key } = await loadInstall(sandbox);
  const afterSwitch = (index: number) => args[args.indexOf(name) + index];
  switch (name) {
    case '/UpgradeInstall':
      await testConnections(sandbox, doc, key);
      await writeMachineConfigs(sandbox.root, doc, key);
      log('[sandbox] Applied server.hsconf: machine.config connection strings written.');
      await restartServices(sandbox, log);
      await logModuleLogins(sandbox, installDir, key, log);
      return;
    case '/InstallServiceCenter':
      await writeModuleSettings(installDir, doc, key, new Set(), new Set(['ServiceCenter']));
      log('[sandbox] Service Center installed (its module settings rewritten).');
      return;
    case '/ApplySettingsFactory': {
      const written = await writeModuleSettings(installDir, doc, key, new Set(knobs.applySettingsSkips));
      log(`[sandbox] Settings applied to ${written.length} module(s): ${written.join(', ')}.`);
      await restartServices(sandbox, log);
      await logModuleLogins(sandbox, installDir, key, log);
      return;
    }
    case '/SetupInstall':
      await testArgvCredentials(sandbox, doc, key, 'platform-admin', afterSwitch(1), afterSwitch(2));
      await testArgvCredentials(sandbox, doc, key, 'log-admin', afterSwitch(3), afterSwitch(4));
      log('[sandbox] Database created/updated (simulated).');
      return;
    case '/RebuildSession':
      await testArgvCredentials(sandbox, doc, key, 'session', afterSwitch(1), afterSwitch(2));
      log('[sandbox] Session database created (simulated).');
      return;
    default:
      log(`[sandbox] ${name}: done (simulated).`);
  }
}

/**
 * The tool run on a simulated front-end's install: /UpgradeInstall tests its server.hsconf's
 * logins and registers the server in OSSYS_SERVER, active, with its Local IP (automatic: the
 * machine's first address that is not loopback), as the platform does when a front-end applies.
 */
async function runFrontEndSwitch(
  name: string,
  frontEnd: { name: string; installDir: string },
  sandbox: SandboxSeedContext,
  log: (line: string) => void,
): Promise<void> {
  if (name !== '/UpgradeInstall') {
    log(`[sandbox] ${name} on ${frontEnd.name}: done (simulated).`);
    return;
  }
  const doc = await HsConf.load(path.join(frontEnd.installDir, 'server.hsconf'));
  const { key } = await loadPrivateKey(path.join(frontEnd.installDir, 'private.key'));
  await testConnections(sandbox, doc, key);
  const configured = doc.get('NetworkConfiguration', 'OutgoingIPAddress')?.value.trim();
  const ip =
    configured ||
    sandboxMachineAddresses(frontEnd.installDir).find((address) => !address.startsWith('127.')) ||
    '127.0.0.1';
  const client = new pg.Client({ connectionString: sandbox.databaseUrl });
  await client.connect();
  try {
    await client.query('UPDATE ossys_server SET ip_address = $2, is_active = true WHERE name = $1', [
      frontEnd.name,
      ip,
    ]);
  } finally {
    await client.end();
  }
  log(`[sandbox] Applied server.hsconf on ${frontEnd.name}: registered in OSSYS_SERVER with ${ip}.`);
}

async function logModuleLogins(
  sandbox: SandboxSeedContext,
  installDir: string,
  key: Buffer,
  log: (line: string) => void,
): Promise<void> {
  const failures = await startModules(sandbox, installDir, key, SANDBOX_LOG_CATALOG, SANDBOX_SERVER_NAME);
  for (const failure of failures)
    log(`[sandbox] Module ${failure.module}: login failed for user '${failure.user}'.`);
}

function result(exitCode: number, stdout: string, stderr: string, started: number): ExecResult {
  return { exitCode, signal: null, stdout, stderr, timedOut: false, durationMs: Date.now() - started };
}

const simulatedConfigurationTool: SimulatedProgram = async (request, sandbox) => {
  const started = Date.now();
  const switches = request.args.filter((arg) => arg.startsWith('/'));
  const unknown = switches.filter((name) => !KNOWN_SWITCHES.has(name));
  const logLines = [`${new Date().toISOString()} [sandbox] ${CONFIG_TOOL_PROGRAM} ${switches.join(' ')}`];
  const log = (line: string) => logLines.push(line);
  let exitCode = 0;
  if (switches.length === 0 || unknown.length > 0) {
    exitCode = 1;
    log(`ERROR: unknown or missing switch ${unknown.join(' ') || '(none)'}`);
  } else {
    try {
      const frontEnd = sandboxFrontEndOf(sandbox.root, request.cwd ?? path.dirname(request.program));
      for (const name of switches)
        if (frontEnd) await runFrontEndSwitch(name, frontEnd, sandbox, log);
        else await runSwitch(name, request.args, sandbox, log);
    } catch (error) {
      if (!(error instanceof ToolFailure)) throw error;
      exitCode = 1;
      log(`ERROR: ${error.message}`);
    }
  }
  fs.appendFileSync(path.join(sandbox.root, SANDBOX_CONFIG_TOOL_LOG), `${logLines.join('\r\n')}\r\n`, {
    mode: 0o600,
  });
  return exitCode === 0
    ? result(0, `Practice sandbox: ${switches.join(' ')} simulated successfully.\r\n`, '', started)
    : result(exitCode, '', logLines.filter((line) => line.startsWith('ERROR')).join('\r\n'), started);
};

/** The database user each sandbox service logs in as (from server.hsconf). */
const SERVICE_LOGINS: Record<string, (typeof OUTSYSTEMS_DB_ROLES)[number]['role']> = {
  'OutSystems Log Service': 'log-runtime',
  'OutSystems Deployment Controller Service': 'platform-runtime',
  'OutSystems Deployment Service': 'platform-runtime',
  'OutSystems Scheduler Service': 'platform-runtime',
  'OutSystems SMS Connector Service': 'platform-runtime',
};

/**
 * `wevtutil qe Application … /f:xml /e:Events`: what the Application log says now. Each running
 * OutSystems service logs its start as it would on a server: "Service initialized successfully."
 * when server.hsconf's credential for it logs in, else the vendor's login-failure text.
 */
const simulatedWevtutil: SimulatedProgram = async (request, sandbox) => {
  const started = Date.now();
  if (request.args[0] !== 'qe' || request.args[1] !== 'Application' || !request.args.includes('/e:Events'))
    return result(
      87,
      '',
      'The parameter is incorrect. (practice sandbox: qe Application … /f:xml /e:Events)',
      started,
    );
  const { doc, key } = await loadInstall(sandbox);
  const events: string[] = [];
  for (const service of await sandbox.services.list(OUTSYSTEMS_SERVICE_PREFIX)) {
    const role = SERVICE_LOGINS[service.name];
    if (!role || service.state !== 'running') continue;
    const settings = dbSettingsFromHsconf(doc, key, role);
    const ok = (await sandbox.db.test(settings)).ok;
    const message = ok
      ? 'Service initialized successfully.'
      : `Error opening connection to the database: The login failed.  Login failed for user '${settings.user}'.  Retrying...`;
    events.push(
      `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="${escapeXmlAttribute(service.name)}" /><EventID Qualifiers="0">0</EventID><Level>${ok ? 4 : 3}</Level><TimeCreated SystemTime="${new Date().toISOString()}" /><Channel>Application</Channel><Computer>${SANDBOX_SERVER_NAME}</Computer><Security /></System><EventData><Data>${escapeXmlText(message)}</Data></EventData></Event>`,
    );
  }
  return result(0, `<Events>${events.join('')}</Events>`, '', started);
};

/** `iisreset /stop|/start` over the sandbox's W3SVC, with the real tool's messages. */
const simulatedIisReset: SimulatedProgram = async (request, sandbox) => {
  const started = Date.now();
  const action = request.args[0]?.toLowerCase();
  if (action === '/stop') {
    await sandbox.services.stop(SANDBOX_IIS_SERVICE);
    return result(0, 'Attempting stop...\r\nInternet services successfully stopped\r\n', '', started);
  }
  if (action === '/start') {
    await sandbox.services.start(SANDBOX_IIS_SERVICE);
    return result(0, 'Attempting start...\r\nInternet services successfully started\r\n', '', started);
  }
  return result(
    1,
    '',
    `Unknown option ${request.args[0] ?? '(none)'} (practice sandbox: /stop or /start).`,
    started,
  );
};

export const outsystemsSandboxPrograms: Record<string, SimulatedProgram> = {
  [CONFIG_TOOL_PROGRAM]: simulatedConfigurationTool,
  'iisreset.exe': simulatedIisReset,
  [WEVTUTIL_PROGRAM]: simulatedWevtutil,
};
