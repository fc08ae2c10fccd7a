/**
 * What a SysReptor deploy folder (`sysreptor/deploy`) says: docker-compose.yml (which includes
 * sysreptor/docker-compose.yml), `.env` (POSTGRES_*, BIND_PORT, read by compose) and `app.env`
 * (the app's settings: SECRET_KEY, ENCRYPTION_KEYS, DEFAULT_ENCRYPTION_KEY_ID, ALLOWED_HOSTS,
 * LICENSE, email, forgot-password). Defaults are the ones sysreptor/docker-compose.yml and
 * settings.py use. A malformed file is an InputError on `deployDir` naming the file and line.
 */
import path from 'node:path';
import YAML from 'yaml';
import { InputError } from '../../engine/types.js';
import { readRegularFile, UnreadableFileError } from '../../platform/files/read-regular-file.js';
import { decodeUtf8Text } from '../../platform/files/utf8-text.js';
import { EnvFileError, envBoolean, parseEnvFile } from './env-file.js';
import { parseEncryptionKeys, SysReptorCryptoError, type EncryptionKey } from './encryption.js';

const FIELD = 'deployDir';
/** The deploy folder inside the practice sandbox's SysReptor tree. */
export const SANDBOX_DEPLOY_DIR = 'deploy';
const MAX_FILE_BYTES = 1024 * 1024;

export interface SysReptorDatabaseSettings {
  host: string;
  port: number;
  name: string;
  user: string;
  password: string;
  /** DATABASE_SCHEMA (search_path), else public. */
  schema: string;
}

export interface SysReptorDeploy {
  deployDir: string;
  /** http://<bound address>:<port> from BIND_PORT (default 127.0.0.1:8000). */
  appUrl: string;
  database: SysReptorDatabaseSettings;
  encryption: { keys: EncryptionKey[]; defaultKeyId?: string; plaintextFallback: boolean };
  allowedHosts: string[];
  localUserAuth: boolean;
  /** FORGOT_PASSWORD_ENABLED from app.env; undefined when not set there (it may be set in the database). */
  forgotPasswordEnabled?: boolean;
  emailHost?: string;
  /** A LICENSE is present: Professional (its validity cannot be checked offline); none: Community. */
  edition: 'professional' | 'community';
  /** Every secret the files hold, for masking. */
  secrets: string[];
}

async function readText(file: string, required: boolean): Promise<string | undefined> {
  try {
    return decodeUtf8Text((await readRegularFile(file, MAX_FILE_BYTES)).bytes, file);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    if (error.reason === 'missing' && !required) return undefined;
    if (error.reason === 'missing' || error.reason === 'denied')
      throw new InputError(
        FIELD,
        `${path.basename(file)} ${error.reason === 'missing' ? 'does not exist' : 'cannot be read'} in ${path.dirname(file)}. Give the SysReptor deploy folder (the one holding app.env and docker-compose.yml).`,
      );
    if (error.reason === 'too-large')
      throw new InputError(
        FIELD,
        `${path.basename(file)} is larger than ${MAX_FILE_BYTES} bytes; this is not a SysReptor deploy file.`,
      );
    if (error.reason === 'encoding') throw new InputError(FIELD, error.message);
    throw new InputError(FIELD, `${path.basename(file)} is not a regular file.`);
  }
}

function envFile(text: string | undefined, name: string): Map<string, string> {
  if (text === undefined) return new Map();
  try {
    return parseEnvFile(text, name);
  } catch (error) {
    if (error instanceof EnvFileError)
      throw new InputError(FIELD, `${error.message} Fix the file, then plan again.`);
    throw error;
  }
}

function composeCheck(text: string): void {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { maxAliasCount: 100 });
  } catch (error) {
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new InputError(
      FIELD,
      `docker-compose.yml is not valid YAML${line ? ` (line ${line})` : ''}. Fix the file, then plan again.`,
    );
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new InputError(
      FIELD,
      'docker-compose.yml is not a compose file (expected a mapping with "include" or "services").',
    );
  const compose = doc as { include?: unknown; services?: Record<string, unknown> };
  const includes = JSON.stringify(compose.include ?? []);
  if (!includes.includes('sysreptor/docker-compose.yml') && !compose.services?.app)
    throw new InputError(
      FIELD,
      'docker-compose.yml neither includes sysreptor/docker-compose.yml nor defines an "app" service: is this the SysReptor deploy folder?',
    );
}

function flag(env: Map<string, string>, name: string, fallback: boolean): boolean;
function flag(env: Map<string, string>, name: string, fallback: undefined): boolean | undefined;
function flag(env: Map<string, string>, name: string, fallback: boolean | undefined): boolean | undefined {
  const value = env.get(name);
  if (value === undefined) return fallback;
  const parsed = envBoolean(value, false);
  if (parsed === undefined)
    throw new InputError(
      FIELD,
      `app.env: ${name} is not a boolean SysReptor understands (true/false, on/off, yes/no, 1/0).`,
    );
  return parsed;
}

/** BIND_PORT as compose publishes it ("[ip:]hostPort:containerPort"); the address to reach the app from this machine. */
function appUrlFrom(bindPort: string | undefined): string {
  const value = bindPort || '127.0.0.1:8000:8000';
  const parts = value.split(':');
  const [address, port] =
    parts.length >= 3 ? [parts[0] as string, parts[1] as string] : ['127.0.0.1', parts[0] as string];
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    throw new InputError(FIELD, '.env: BIND_PORT is not of the form [address:]hostPort:containerPort.');
  const host = address === '' || address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address;
  return `http://${host}:${port}`;
}

export async function readSysReptorDeploy(deployDir: string): Promise<SysReptorDeploy> {
  const compose = await readText(path.join(deployDir, 'docker-compose.yml'), true);
  composeCheck(compose as string);
  const appEnv = envFile(await readText(path.join(deployDir, 'app.env'), true), 'app.env');
  const dotEnv = envFile(await readText(path.join(deployDir, '.env'), false), '.env');

  let keys: EncryptionKey[];
  try {
    keys = parseEncryptionKeys(appEnv.get('ENCRYPTION_KEYS'));
  } catch (error) {
    if (error instanceof SysReptorCryptoError) throw new InputError(FIELD, `app.env: ${error.message}`);
    throw error;
  }
  const port = Number(dotEnv.get('POSTGRES_PORT') || '5432');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InputError(FIELD, '.env: POSTGRES_PORT is not a port number.');
  const database: SysReptorDatabaseSettings = {
    host: dotEnv.get('POSTGRES_HOST') || 'db',
    port,
    name: dotEnv.get('POSTGRES_NAME') || 'reportcreator',
    user: dotEnv.get('POSTGRES_USER') || 'reportcreator',
    password: dotEnv.get('POSTGRES_PASSWORD') || 'reportcreator',
    schema: appEnv.get('DATABASE_SCHEMA') || 'public',
  };
  const secrets = [
    appEnv.get('SECRET_KEY'),
    dotEnv.get('POSTGRES_PASSWORD'),
    dotEnv.get('REDIS_PASSWORD'),
    appEnv.get('EMAIL_HOST_PASSWORD'),
    appEnv.get('LICENSE'),
    ...keys.map((key) => key.key.toString('base64')),
    appEnv.get('ENCRYPTION_KEYS'),
  ].filter((value): value is string => typeof value === 'string' && value.length >= 4);
  return {
    deployDir,
    appUrl: appUrlFrom(dotEnv.get('BIND_PORT')),
    database,
    encryption: {
      keys,
      defaultKeyId: appEnv.get('DEFAULT_ENCRYPTION_KEY_ID') || undefined,
      plaintextFallback: flag(appEnv, 'ENCRYPTION_PLAINTEXT_FALLBACK', true),
    },
    allowedHosts: (appEnv.get('ALLOWED_HOSTS') ?? '*')
      .split(',')
      .map((host) => host.trim())
      .filter(Boolean),
    localUserAuth: flag(appEnv, 'LOCAL_USER_AUTH_ENABLED', true),
    forgotPasswordEnabled: flag(appEnv, 'FORGOT_PASSWORD_ENABLED', undefined),
    emailHost: appEnv.get('EMAIL_HOST') || undefined,
    edition: appEnv.get('LICENSE') ? 'professional' : 'community',
    secrets,
  };
}

/** The default key SysReptor writes with, or why there is none. */
export function defaultEncryptionKey(deploy: SysReptorDeploy): { key?: EncryptionKey; reason?: string } {
  const { keys, defaultKeyId } = deploy.encryption;
  if (keys.length === 0) return { reason: 'app.env has no ENCRYPTION_KEYS' };
  if (!defaultKeyId) return { reason: 'app.env sets ENCRYPTION_KEYS but no DEFAULT_ENCRYPTION_KEY_ID' };
  const key = keys.find((candidate) => candidate.id === defaultKeyId);
  if (!key)
    return { reason: `DEFAULT_ENCRYPTION_KEY_ID "${defaultKeyId}" is not among ENCRYPTION_KEYS in app.env` };
  if (key.revoked) return { reason: `the default encryption key "${defaultKeyId}" is revoked` };
  return { key };
}
