/**
 * An Authgear app's config folder: `authgear.yaml` (the app `id`, which is the Admin API JWT's
 * `aud`) and `authgear.secrets.yaml` (`secrets:` items; `db` → database_url / database_schema,
 * `admin-api.auth` → the private RSA JWKs the Admin API accepts). Malformed YAML, or an item
 * of the wrong shape, is an InputError naming the file (and line), never a value.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { InputError } from '../../engine/types.js';

const MAX_FILE_BYTES = 1024 * 1024;
/** The config folder inside the practice sandbox's Authgear tree. */
export const SANDBOX_CONFIG_DIR = 'config';

export const privateRsaJwk = z
  .object({
    kid: z.string().min(1),
    kty: z.literal('RSA'),
    alg: z.literal('RS256').optional(),
    n: z.string().min(1),
    e: z.string().min(1),
    d: z.string().min(1),
    p: z.string().optional(),
    q: z.string().optional(),
    dp: z.string().optional(),
    dq: z.string().optional(),
    qi: z.string().optional(),
  })
  .passthrough();
export type AdminApiJwk = z.infer<typeof privateRsaJwk>;

const secretsFile = z.object({
  secrets: z.array(z.object({ key: z.string(), data: z.unknown() }).passthrough()),
});
const dbItem = z.object({ database_url: z.string().min(1), database_schema: z.string().optional() });
const adminApiItem = z.object({ keys: z.array(privateRsaJwk).min(1) });

export interface AuthgearConfig {
  configDir: string;
  appId?: string;
  database?: { url: string; schema: string };
  adminApiKeys: AdminApiJwk[];
  /** Every secret the files hold, for masking. */
  secrets: string[];
}

async function readYaml(file: string, field: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new InputError(field, `${path.basename(file)} is not a regular file.`);
    if (stat.size > MAX_FILE_BYTES)
      throw new InputError(
        field,
        `${path.basename(file)} is larger than ${MAX_FILE_BYTES} bytes; this is not an Authgear config file.`,
      );
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
    throw new InputError(
      field,
      `${path.basename(file)} ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read'} in ${path.dirname(file)}. Give the folder holding authgear.yaml and authgear.secrets.yaml.`,
    );
  }
  try {
    return YAML.parse(text, { maxAliasCount: 100, prettyErrors: false });
  } catch (error) {
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new InputError(
      field,
      `${path.basename(file)} is not valid YAML${line ? ` (line ${line})` : ''}. Fix the file, then plan again.`,
    );
  }
}

export async function readAuthgearConfig(configDir: string, field = 'configDir'): Promise<AuthgearConfig> {
  const appDoc = await readYaml(path.join(configDir, 'authgear.yaml'), field, true);
  const appId = (appDoc as { id?: unknown } | null)?.id;
  if (typeof appId !== 'string' || appId === '')
    throw new InputError(field, 'authgear.yaml has no "id:" (the app id): is this the app\'s config folder?');
  const secretsDoc = await readYaml(path.join(configDir, 'authgear.secrets.yaml'), field, false);
  if (secretsDoc === undefined) return { configDir, appId, adminApiKeys: [], secrets: [] };
  const parsed = secretsFile.safeParse(secretsDoc);
  if (!parsed.success)
    throw new InputError(
      field,
      'authgear.secrets.yaml is not a secrets file (expected "secrets:" with items of "key" and "data").',
    );
  const item = (key: string) => parsed.data.secrets.find((entry) => entry.key === key)?.data;
  let database: AuthgearConfig['database'];
  const db = item('db');
  if (db !== undefined) {
    const dbParsed = dbItem.safeParse(db);
    if (!dbParsed.success)
      throw new InputError(
        field,
        'authgear.secrets.yaml: the "db" item needs data.database_url (and optionally data.database_schema).',
      );
    database = { url: dbParsed.data.database_url, schema: dbParsed.data.database_schema || 'public' };
  }
  let adminApiKeys: AdminApiJwk[] = [];
  const admin = item('admin-api.auth');
  if (admin !== undefined) {
    const adminParsed = adminApiItem.safeParse(admin);
    if (!adminParsed.success)
      throw new InputError(
        field,
        'authgear.secrets.yaml: the "admin-api.auth" item needs data.keys, a list of private RSA JWKs (kid, kty RSA, n, e, d, …).',
      );
    adminApiKeys = adminParsed.data.keys;
  }
  const secrets = [
    database?.url,
    ...adminApiKeys.flatMap((key) => [key.d, key.p, key.q, key.dp, key.dq, key.qi]),
    ...parsed.data.secrets.flatMap((entry) => secretStrings(entry.data)),
  ].filter((value): value is string => typeof value === 'string' && value.length >= 6);
  return { configDir, appId, database, adminApiKeys, secrets };
}

/** String values under keys that name secrets (password, secret, url, key material), for masking only. */
function secretStrings(data: unknown, key = ''): string[] {
  if (typeof data === 'string')
    return /password|secret|url|token|^k$|^d$|^p$|^q$|^dp$|^dq$|^qi$/i.test(key) ? [data] : [];
  if (Array.isArray(data)) return data.flatMap((value) => secretStrings(value, key));
  if (data && typeof data === 'object')
    return Object.entries(data as Record<string, unknown>).flatMap(([name, value]) =>
      secretStrings(value, name),
    );
  return [];
}
