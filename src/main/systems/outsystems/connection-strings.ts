/**
 * The platform's database connection strings as modules and machine.config hold them: keys
 * `OutSystems.DB.<Platform|Logging>.<Application|Services>.<Admin|Runtime|Session>.ConnectionString`
 * (with or without ` (DEFAULT)`), values `$2$`-encrypted with private.key, plaintext `;`-separated
 * `data source`, `initial catalog`, `user id`, `password` built from server.hsconf (see
 * ../shared/reference/outsystems-farm-formats.md §1). Parsed with a real connection-string parser,
 * since a password may hold `;` or `=`.
 */
import { build, parse } from '@tediousjs/connection-string';
import { HsConf } from './hsconf.js';
import { dbRoleDefinition, type OutSystemsDbRole, usesWindowsAuthentication } from './hsconf-db-settings.js';
import { readHsconfSecret } from './hsconf-secrets.js';
import { decryptSetting, encryptSetting } from './settings-crypto.js';

const KEY_PATTERN =
  /^OutSystems\.DB\.(Platform|Logging)\.(Application|Services)\.(Admin|Runtime|Session)\.ConnectionString(?: ?\(DEFAULT\))?$/;

/** The database user a connection-string key carries, or undefined for any other key. */
export function connectionKeyRole(key: string): OutSystemsDbRole | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const [, database, , user] = match;
  if (database === 'Logging')
    return user === 'Admin' ? 'log-admin' : user === 'Runtime' ? 'log-runtime' : undefined;
  return user === 'Admin' ? 'platform-admin' : user === 'Runtime' ? 'platform-runtime' : 'session';
}

/** The three keys a module's appSettings.config holds (note the space before `(DEFAULT)`). */
export const MODULE_CONNECTION_KEYS = [
  'OutSystems.DB.Platform.Application.Runtime.ConnectionString (DEFAULT)',
  'OutSystems.DB.Platform.Application.Session.ConnectionString (DEFAULT)',
  'OutSystems.DB.Logging.Application.Runtime.ConnectionString (DEFAULT)',
] as const;

/** The ten keys of the .NET machine.config files (detach-11.md lists them without ` (DEFAULT)`). */
export const MACHINE_CONNECTION_KEYS = [
  'OutSystems.DB.Logging.Application.Admin.ConnectionString',
  'OutSystems.DB.Logging.Application.Runtime.ConnectionString',
  'OutSystems.DB.Logging.Services.Admin.ConnectionString',
  'OutSystems.DB.Logging.Services.Runtime.ConnectionString',
  'OutSystems.DB.Platform.Application.Admin.ConnectionString',
  'OutSystems.DB.Platform.Application.Runtime.ConnectionString',
  'OutSystems.DB.Platform.Application.Session.ConnectionString',
  'OutSystems.DB.Platform.Services.Admin.ConnectionString',
  'OutSystems.DB.Platform.Services.Runtime.ConnectionString',
  'OutSystems.DB.Platform.Services.Session.ConnectionString',
] as const;

export interface ConnectionCredentials {
  dataSource?: string;
  catalog?: string;
  user?: string;
  password?: string;
}

export function parseConnectionString(text: string): ConnectionCredentials {
  const parsed = parse(text);
  const value = (key: string) => parsed.get(key);
  return {
    dataSource: value('data source') ?? value('server'),
    catalog: value('initial catalog') ?? value('database'),
    user: value('user id') ?? value('uid'),
    password: value('password') ?? value('pwd'),
  };
}

/** The plaintext connection string the platform builds for `role` from server.hsconf (the section's AdvancedSettings appended as is). */
export function connectionStringFor(
  doc: HsConf,
  privateKey: Buffer | undefined,
  role: OutSystemsDbRole,
): string {
  const definition = dbRoleDefinition(role);
  const value = (key: string) => doc.get(definition.section, key)?.value.trim() ?? '';
  const password = readHsconfSecret(doc, definition.section, definition.passwordKey, privateKey).value ?? '';
  const base = build({
    'data source': value('Server'),
    'initial catalog': value('Catalog'),
    'user id': value(definition.userKey),
    password,
  });
  const advanced = value(role === 'session' ? 'SessionAdvancedSettings' : 'RuntimeAdvancedSettings');
  return advanced ? `${base};${advanced}` : base;
}

export function encryptConnectionString(plaintext: string, privateKey: Buffer): string {
  return encryptSetting(plaintext, privateKey);
}

/** What a stored connection string is, against the credentials server.hsconf holds now. */
export type ConnectionStatus =
  /** Same user and password as server.hsconf. */
  | 'current'
  /** Another password (or user) than server.hsconf: the module still uses an old one. */
  | 'stale'
  /** Not a `$2$` value this private.key opens. */
  | 'undecryptable'
  /** The key is absent (OSDiagTool's "Connection not found"). */
  | 'missing';

export interface ConnectionCheck {
  key: string;
  role: OutSystemsDbRole;
  status: ConnectionStatus;
  /** The user id it holds, when it could be read. */
  user?: string;
}

/** The user and password server.hsconf holds for each role that has one (Windows-authenticated roles are left out). */
export function expectedCredentials(
  doc: HsConf,
  privateKey: Buffer | undefined,
): Map<OutSystemsDbRole, { user: string; password: string }> {
  const expected = new Map<OutSystemsDbRole, { user: string; password: string }>();
  for (const role of ['platform-admin', 'platform-runtime', 'log-admin', 'log-runtime', 'session'] as const) {
    const definition = dbRoleDefinition(role);
    if (!doc.hasSection(definition.section)) continue;
    if (usesWindowsAuthentication(doc, definition.section)) continue;
    const password = readHsconfSecret(doc, definition.section, definition.passwordKey, privateKey).value;
    const user = doc.get(definition.section, definition.userKey)?.value.trim();
    if (password !== undefined && user) expected.set(role, { user, password });
  }
  return expected;
}

/** The key without its ` (DEFAULT)` / `(DEFAULT)` ending: machine.config's form and the modules' form match. */
function baseKey(key: string): string {
  return key.replace(/ ?\(DEFAULT\)$/, '');
}

/**
 * Checks each connection-string entry of a config file against server.hsconf's credentials.
 * `wanted` are the keys that must be there (reported `missing` when absent, in either form).
 */
export function checkConnectionStrings(
  entries: ReadonlyMap<string, string>,
  wanted: readonly string[],
  expected: ReadonlyMap<OutSystemsDbRole, { user: string; password: string }>,
  privateKey: Buffer,
): ConnectionCheck[] {
  const stored = new Map<string, { key: string; value: string }>();
  for (const [key, value] of entries) if (connectionKeyRole(key)) stored.set(baseKey(key), { key, value });
  const keys = [...new Set([...wanted.map(baseKey), ...stored.keys()])];
  const checks: ConnectionCheck[] = [];
  for (const base of keys) {
    const role = connectionKeyRole(base);
    const want = role ? expected.get(role) : undefined;
    if (!role || !want) continue;
    const entry = stored.get(base);
    if (!entry) {
      checks.push({ key: wanted.find((key) => baseKey(key) === base) ?? base, role, status: 'missing' });
      continue;
    }
    let credentials: ConnectionCredentials;
    try {
      credentials = parseConnectionString(decryptSetting(entry.value, privateKey, entry.key));
    } catch {
      checks.push({ key: entry.key, role, status: 'undecryptable' });
      continue;
    }
    const sameUser = credentials.user?.toLowerCase() === want.user.toLowerCase();
    checks.push({
      key: entry.key,
      role,
      user: credentials.user,
      status: sameUser && credentials.password === want.password ? 'current' : 'stale',
    });
  }
  return checks;
}
