/**
 * What an admin needs to know before choosing an OutSystems procedure: where the Platform Server
 * is, its role in the farm, which database users it runs on and how, whether the network and
 * privilege preconditions hold. Reads only; never holds a password in what it returns.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Environment } from '../../engine/types.js';
import type { ServiceStatus } from '../../platform/services/types.js';
import { HsConf } from './hsconf.js';
import { readHsconfSecret, type SecretReadStatus } from './hsconf-secrets.js';
import {
  databaseProvider,
  OUTSYSTEMS_DB_ROLES,
  usesWindowsAuthentication,
  type OutSystemsDbRole,
} from './hsconf-db-settings.js';
import { loadPrivateKey } from './private-key.js';
import { machineIpv4Addresses } from '../../platform/hosts/local-host.js';
import { DEFAULT_INSTALL_DIR, readInstallFromRegistry } from './registry.js';
import { OUTSYSTEMS_SERVICE_PREFIX, serverRole } from './services.js';

export type DiscoveryEnvironment = Pick<Environment, 'kind' | 'exec' | 'services' | 'sandboxRoot'>;

export interface OutSystemsDiscoveryOptions {
  installDir?: string;
  /** The operating system to assume (tests drive the Windows path on any machine). Default: this one. */
  platform?: NodeJS.Platform;
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

export interface FileFinding {
  path: string;
  state: 'ok' | 'missing' | 'unreadable' | 'invalid';
  problem?: string;
  /** Read fine, but something about it needs fixing (e.g. a private.key others can read). */
  warning?: string;
}

export interface DatabaseUserFinding {
  role: OutSystemsDbRole;
  label: string;
  configured: boolean;
  user?: string;
  /** SQL Server `Server` / Oracle host:port/service or TNS name. */
  server?: string;
  catalog?: string;
  authentication?: 'sql' | 'windows';
  password: SecretReadStatus;
  problem?: string;
}

export interface OutSystemsDiscovery {
  installDir: string;
  installDirSource: 'option' | 'registry' | 'default' | 'sandbox';
  registryProblem?: string;
  platformVersion?: string;
  hsconf: FileFinding;
  privateKey: FileFinding;
  hosting: 'self-managed' | 'unknown';
  role: 'controller' | 'front-end' | 'unknown';
  services: ServiceStatus[];
  servicesProblem?: string;
  provider?: string;
  databases: DatabaseUserFinding[];
  outgoingIpAddress?: string;
  machineAddresses: string[];
  /** 'automatic' when OutgoingIPAddress is empty or absent. */
  outgoingIpOnThisMachine: boolean | 'automatic' | 'unknown';
  elevated: boolean | 'unknown' | 'not-needed';
}

export async function discoverOutSystems(
  options: OutSystemsDiscoveryOptions,
  env: DiscoveryEnvironment,
): Promise<OutSystemsDiscovery> {
  const platform = options.platform ?? process.platform;
  const location = await locateInstall(options, env, platform);
  // A Windows folder (the default, or one typed on another OS) keeps its own separators.
  const join = /^[A-Za-z]:\\/.test(location.installDir) ? path.win32.join : path.join;
  const hsconfPath = join(location.installDir, 'server.hsconf');
  const privateKeyPath = join(location.installDir, 'private.key');

  const hsconfRead = await readHsconf(hsconfPath);
  const keyRead = await readKey(privateKeyPath);
  const { services, problem: servicesProblem } =
    platform === 'win32' || env.kind === 'sandbox'
      ? await listServices(env)
      : {
          services: [],
          problem: `not looked for: OutSystems services are Windows services, and this machine runs ${platform}`,
        };
  const doc = hsconfRead.doc;
  const outgoingIpAddress = doc?.get('NetworkConfiguration', 'OutgoingIPAddress')?.value.trim() || undefined;
  const machineAddresses = machineIpv4Addresses(options.networkInterfaces);

  return {
    installDir: location.installDir,
    installDirSource: location.source,
    registryProblem: location.problem,
    platformVersion: location.version,
    hsconf: hsconfRead.finding,
    privateKey: keyRead.finding,
    hosting: hsconfRead.finding.state === 'ok' ? 'self-managed' : 'unknown',
    role: serverRole(services),
    services,
    servicesProblem,
    provider: doc ? providerOf(doc) : undefined,
    databases: doc ? OUTSYSTEMS_DB_ROLES.map((definition) => databaseUser(doc, definition, keyRead.key)) : [],
    outgoingIpAddress,
    machineAddresses,
    outgoingIpOnThisMachine: !doc
      ? 'unknown'
      : !outgoingIpAddress
        ? 'automatic'
        : machineAddresses.includes(outgoingIpAddress),
    elevated: await elevation(env, platform),
  };
}

async function locateInstall(
  options: OutSystemsDiscoveryOptions,
  env: DiscoveryEnvironment,
  platform: NodeJS.Platform,
) {
  if (options.installDir) return { installDir: options.installDir, source: 'option' as const };
  if (env.kind === 'sandbox' && env.sandboxRoot) {
    return { installDir: path.join(env.sandboxRoot, 'Platform Server'), source: 'sandbox' as const };
  }
  if (platform !== 'win32') {
    return {
      installDir: DEFAULT_INSTALL_DIR,
      source: 'default' as const,
      problem: 'not Windows: no registry to read; choose the Platform Server folder (--install-dir)',
    };
  }
  const registry = await readInstallFromRegistry(env.exec);
  if (registry.installDir) {
    return { installDir: registry.installDir, source: 'registry' as const, version: registry.version };
  }
  return {
    installDir: DEFAULT_INSTALL_DIR,
    source: 'default' as const,
    version: registry.version,
    problem: registry.problem,
  };
}

async function readHsconf(filePath: string): Promise<{ finding: FileFinding; doc?: HsConf }> {
  try {
    return { finding: { path: filePath, state: 'ok' }, doc: await HsConf.load(filePath) };
  } catch (error) {
    return { finding: { path: filePath, ...(await fileProblem(filePath, error)) } };
  }
}

async function readKey(filePath: string): Promise<{ finding: FileFinding; key?: Buffer }> {
  try {
    const { key, readableByOthers } = await loadPrivateKey(filePath);
    return {
      finding: { path: filePath, state: 'ok', ...(readableByOthers ? { warning: readableByOthers } : {}) },
      key,
    };
  } catch (error) {
    return { finding: { path: filePath, ...(await fileProblem(filePath, error)) } };
  }
}

async function fileProblem(
  filePath: string,
  error: unknown,
): Promise<Pick<FileFinding, 'state' | 'problem'>> {
  const message = (error as Error).message;
  try {
    await fs.access(filePath);
  } catch (accessError) {
    const code = (accessError as NodeJS.ErrnoException).code;
    return { state: code === 'ENOENT' ? 'missing' : 'unreadable', problem: message };
  }
  return { state: /cannot be read/.test(message) ? 'unreadable' : 'invalid', problem: message };
}

async function listServices(
  env: DiscoveryEnvironment,
): Promise<{ services: ServiceStatus[]; problem?: string }> {
  try {
    return { services: await env.services.list(OUTSYSTEMS_SERVICE_PREFIX) };
  } catch (error) {
    return { services: [], problem: (error as Error).message };
  }
}

function providerOf(doc: HsConf): string | undefined {
  try {
    return databaseProvider(doc, 'PlatformDatabaseConfiguration');
  } catch {
    return doc.get('PlatformDatabaseConfiguration', 'ProviderKey')?.value.trim() || undefined;
  }
}

function databaseUser(
  doc: HsConf,
  definition: (typeof OUTSYSTEMS_DB_ROLES)[number],
  key: Buffer | undefined,
): DatabaseUserFinding {
  const { section, role, label } = definition;
  const value = (name: string) => doc.get(section, name)?.value.trim() || undefined;
  const base = { role, label, password: 'missing' as SecretReadStatus };
  if (!doc.hasSection(section))
    return { ...base, configured: false, problem: `server.hsconf has no <${section}> section` };
  try {
    const user = value(definition.userKey);
    const oracle = value('ProviderKey') === 'Oracle';
    const server = oracle
      ? (value('TNSName') ?? [value('Host'), value('Port'), value('ServiceName')].filter(Boolean).join(':'))
      : value('Server');
    const password = readHsconfSecret(doc, section, definition.passwordKey, key);
    return {
      ...base,
      configured: user !== undefined,
      user,
      server: server || undefined,
      catalog: oracle ? undefined : value('Catalog'),
      authentication: usesWindowsAuthentication(doc, section) ? 'windows' : 'sql',
      password: password.status,
      problem: password.value === undefined && password.status !== 'missing' ? password.message : undefined,
    };
  } catch (error) {
    return { ...base, configured: false, problem: (error as Error).message };
  }
}

/** Windows: the High (S-1-16-12288) or System (S-1-16-16384) integrity level in `whoami /groups`; elsewhere uid 0. */
export async function elevation(
  env: DiscoveryEnvironment,
  platform: NodeJS.Platform,
): Promise<OutSystemsDiscovery['elevated']> {
  if (env.kind === 'sandbox') return 'not-needed';
  if (platform !== 'win32') return process.getuid ? process.getuid() === 0 : 'unknown';
  try {
    const result = await env.exec.run({ program: 'whoami.exe', args: ['/groups'], timeoutMs: 15_000 });
    if (result.exitCode !== 0) return 'unknown';
    return /S-1-16-(12288|16384)\b/.test(result.stdout);
  } catch {
    return 'unknown';
  }
}
