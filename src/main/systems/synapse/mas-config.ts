/**
 * What the MAS database path needs from Matrix Authentication Service's config.yaml: the database
 * (`database.uri`, or host/port/username/password/database) and `passwords` (enabled, the
 * schemes: version, algorithm, cost, secret / secret_file, unicode_normalization). The highest
 * version hashes new passwords (crates/config/src/sections/passwords.rs). Errors name the input
 * and the key, never a value.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { InputError } from '../../engine/types.js';
import { postgresDefaultsFromUrl, type PostgresDefaults } from '../../platform/db/postgres-target.js';
import { DbInputError } from '../../platform/db/errors.js';

/** matrix-docker-ansible-deploy's location of the file. */
export const PLAYBOOK_MAS_CONFIG_PATH = '/matrix/matrix-authentication-service/config/config.yaml';
const MAX_FILE_BYTES = 1024 * 1024;

export interface MasScheme {
  version: number;
  algorithm: 'argon2id' | 'bcrypt' | 'pbkdf2';
  cost?: number;
  secret?: string;
  unicodeNormalization: boolean;
}

export interface MasConfig {
  file: string;
  database: PostgresDefaults;
  passwordsEnabled: boolean;
  schemes: MasScheme[];
  secrets: string[];
}

type YamlMap = Record<string, unknown>;
const isMap = (value: unknown): value is YamlMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function readMasConfig(file: string, field = 'masConfig'): Promise<MasConfig> {
  const name = path.basename(file);
  let doc: unknown;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES)
      throw new InputError(field, `${file} is not a MAS config.yaml.`);
    // prettyErrors gives the line; its message quotes the source, so only the line number is used.
    doc = YAML.parse(await fs.readFile(file, 'utf8'), { maxAliasCount: 100, prettyErrors: true });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code)
      throw new InputError(
        field,
        `${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}. Give MAS's config.yaml (the playbook keeps it at ${PLAYBOOK_MAS_CONFIG_PATH}).`,
      );
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new InputError(field, `${name} is not valid YAML${line ? ` (line ${line})` : ''}.`);
  }
  if (!isMap(doc)) throw new InputError(field, `${name} is not a MAS config (no top-level map).`);
  const wrong = (key: string, expected: string) =>
    new InputError(field, `${name}: "${key}" must be ${expected}.`);

  const passwords = doc.passwords ?? {};
  if (!isMap(passwords)) throw wrong('passwords', 'a map');
  const passwordsEnabled = passwords.enabled ?? true;
  if (typeof passwordsEnabled !== 'boolean') throw wrong('passwords.enabled', 'true or false');
  const rawSchemes = passwords.schemes ?? [{ version: 1, algorithm: 'argon2id' }];
  if (!Array.isArray(rawSchemes) || rawSchemes.length === 0)
    throw wrong('passwords.schemes', 'a non-empty list');
  const schemes: MasScheme[] = [];
  for (const [index, raw] of rawSchemes.entries()) {
    const key = `passwords.schemes[${index}]`;
    if (!isMap(raw)) throw wrong(key, 'a map');
    if (typeof raw.version !== 'number' || !Number.isInteger(raw.version))
      throw wrong(`${key}.version`, 'a whole number');
    if (raw.algorithm !== 'argon2id' && raw.algorithm !== 'bcrypt' && raw.algorithm !== 'pbkdf2')
      throw wrong(`${key}.algorithm`, 'argon2id, bcrypt or pbkdf2');
    if (raw.cost !== undefined && (typeof raw.cost !== 'number' || !Number.isInteger(raw.cost)))
      throw wrong(`${key}.cost`, 'a whole number');
    let secret: string | undefined;
    if (typeof raw.secret === 'string') secret = raw.secret;
    else if (typeof raw.secret_file === 'string')
      try {
        secret = await fs.readFile(raw.secret_file, 'utf8');
      } catch (error) {
        throw new InputError(
          field,
          `${name}: ${key}.secret_file ${raw.secret_file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
      }
    else if (raw.secret !== undefined) throw wrong(`${key}.secret`, 'a string');
    schemes.push({
      version: raw.version,
      algorithm: raw.algorithm,
      cost: raw.cost as number | undefined,
      secret,
      unicodeNormalization: raw.unicode_normalization === true,
    });
  }
  return {
    file,
    database: databaseDefaults(doc.database, name, field, wrong),
    passwordsEnabled,
    schemes,
    secrets: collectSecrets(doc, schemes),
  };
}

function databaseDefaults(
  section: unknown,
  name: string,
  field: string,
  wrong: (key: string, expected: string) => InputError,
): PostgresDefaults {
  const source = `${name}'s database section`;
  if (!isMap(section)) throw wrong('database', 'a map (uri, or host/username/password/database)');
  if (typeof section.uri === 'string')
    try {
      return postgresDefaultsFromUrl(section.uri, source, field);
    } catch (error) {
      if (error instanceof DbInputError) throw new InputError(field, error.message);
      throw error;
    }
  const text = (key: string) => (typeof section[key] === 'string' ? (section[key] as string) : undefined);
  return {
    host: text('host'),
    port: typeof section.port === 'number' ? section.port : undefined,
    name: text('database'),
    user: text('username'),
    password: text('password'),
    source,
  };
}

function collectSecrets(doc: YamlMap, schemes: MasScheme[]): string[] {
  const database = isMap(doc.database) ? doc.database : {};
  const found = [database.uri, database.password, ...schemes.map((scheme) => scheme.secret)];
  const secretsSection = isMap(doc.secrets) ? doc.secrets : {};
  found.push(secretsSection.encryption);
  const matrix = isMap(doc.matrix) ? doc.matrix : {};
  found.push(matrix.secret);
  return found.filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/** The scheme MAS hashes new passwords with: the highest version. */
export function currentScheme(config: MasConfig): MasScheme {
  return config.schemes.reduce((best, scheme) => (scheme.version > best.version ? scheme : best));
}
