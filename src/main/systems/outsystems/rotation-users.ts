/**
 * The platform database users a rotation works on: their real names from server.hsconf, whether
 * they use Windows authentication (no password to rotate), their connection settings, and the
 * passwords a run keeps — old ones for rollback, generated new ones for resume — `$2$`-encrypted
 * with private.key (which is not in the run folder) in the run's backup store.
 */
import type { StepContext } from '../../engine/types.js';
import type { DbSettings } from '../../platform/db/types.js';
import type { HsConf } from './hsconf.js';
import {
  dbRoleDefinition,
  dbSettingsFromHsconf,
  usesWindowsAuthentication,
  type DbRoleDefinition,
  type OutSystemsDbRole,
} from './hsconf-db-settings.js';
import { decryptSetting, encryptSetting } from './settings-crypto.js';

/** The CLI contract's names for the five users. */
export const ROTATION_USER_KEYS = [
  'platformAdmin',
  'platformRuntime',
  'logAdmin',
  'logRuntime',
  'session',
] as const;
export type RotationUserKey = (typeof ROTATION_USER_KEYS)[number];

const ROLE_OF: Record<RotationUserKey, OutSystemsDbRole> = {
  platformAdmin: 'platform-admin',
  platformRuntime: 'platform-runtime',
  logAdmin: 'log-admin',
  logRuntime: 'log-runtime',
  session: 'session',
};

export interface RotationUser {
  key: RotationUserKey;
  role: OutSystemsDbRole;
  definition: DbRoleDefinition;
  /** The name server.hsconf holds (OSADMIN… are only defaults). */
  user: string;
  windowsAuthentication: boolean;
  provider: 'SqlServer' | 'Oracle';
}

export function rotationUsers(doc: HsConf): RotationUser[] {
  return ROTATION_USER_KEYS.map((key) => {
    const role = ROLE_OF[key];
    const definition = dbRoleDefinition(role);
    return {
      key,
      role,
      definition,
      user: doc.require(definition.section, definition.userKey).value.trim(),
      windowsAuthentication: usesWindowsAuthentication(doc, definition.section),
      provider:
        doc.require(definition.section, 'ProviderKey').value.trim() === 'Oracle' ? 'Oracle' : 'SqlServer',
    };
  });
}

/** The user's connection settings from server.hsconf, with `password` instead of the one the file holds. */
export function settingsWithPassword(
  doc: HsConf,
  privateKey: Buffer,
  user: RotationUser,
  password: string,
): DbSettings {
  return { ...dbSettingsFromHsconf(doc, privateKey, user.role), password };
}

const OLD_PASSWORDS = 'rotation:old-passwords';
const NEW_PASSWORDS = 'rotation:new-passwords';

type Sealed = Partial<Record<RotationUserKey, string>>;

async function load(
  ctx: StepContext,
  name: string,
  key: RotationUserKey,
  privateKey: Buffer,
): Promise<string | undefined> {
  const sealed = await ctx.backup.loadValues<Sealed>(`${name}:${key}`);
  const value = sealed?.[key];
  if (value === undefined) return undefined;
  const plain = decryptSetting(value, privateKey, `${name} (${key})`);
  ctx.addSecret(plain);
  return plain;
}

/** Keeps the user's password before the change, encrypted with private.key; the first save of a run wins (a resume keeps the true old one). */
export async function saveOldPassword(
  ctx: StepContext,
  key: RotationUserKey,
  password: string,
  privateKey: Buffer,
): Promise<void> {
  await ctx.backup.saveValues(`${OLD_PASSWORDS}:${key}`, { [key]: encryptSetting(password, privateKey) });
}

export function loadOldPassword(ctx: StepContext, key: RotationUserKey, privateKey: Buffer) {
  return load(ctx, OLD_PASSWORDS, key, privateKey);
}

/** Fixes the run's new password for the user (typed, or generated while planning); the first save wins, so a resume keeps it. */
export async function saveNewPassword(
  ctx: StepContext,
  key: RotationUserKey,
  password: string,
  privateKey: Buffer,
): Promise<void> {
  await ctx.backup.saveValues(`${NEW_PASSWORDS}:${key}`, { [key]: encryptSetting(password, privateKey) });
}

export function loadNewPassword(ctx: StepContext, key: RotationUserKey, privateKey: Buffer) {
  return load(ctx, NEW_PASSWORDS, key, privateKey);
}
