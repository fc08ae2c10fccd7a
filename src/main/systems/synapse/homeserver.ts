/**
 * What a password reset needs from Synapse's homeserver.yaml, read with the YAML library:
 * `server_name`, the database (psycopg2 args; sqlite3 is refused with the reason), `bcrypt_rounds`,
 * `password_config` (enabled, localdb_enabled, pepper), whether Matrix Authentication Service is
 * in front (`matrix_authentication_service.enabled`, or `experimental_features.msc3861.enabled` on
 * older versions), and where the client API listens. Malformed YAML or a field of the wrong type is
 * an InputError naming the input and the YAML key, never a value.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { InputError } from '../../engine/types.js';
import { BCRYPT_MAX_COST, BCRYPT_MIN_COST } from '../../platform/hashing/bcrypt-bytes.js';
import { SYNAPSE_DEFAULT_ROUNDS } from './hash.js';

const MAX_FILE_BYTES = 1024 * 1024;
/** matrix-docker-ansible-deploy's location of the file. */
export const PLAYBOOK_HOMESERVER_PATH = '/matrix/synapse/config/homeserver.yaml';

export type SynapseDatabase =
  | {
      engine: 'postgres';
      host?: string;
      port?: number;
      name?: string;
      user?: string;
      password?: string;
      sslmode?: string;
    }
  | { engine: 'sqlite'; file: string };

export interface MasSettings {
  /** Which setting turned it on. */
  via: 'matrix_authentication_service' | 'experimental_features.msc3861';
  endpoint?: string;
}

export interface Homeserver {
  file: string;
  serverName: string;
  publicBaseUrl?: string;
  /** http://127.0.0.1:<port> of the first plain-HTTP listener serving the client resource. */
  localClientUrl?: string;
  database: SynapseDatabase;
  bcryptRounds: number;
  passwordConfig: {
    /** `enabled` as written: true, false or "only_for_reauth" (default: not MAS). */
    enabled: boolean | 'only_for_reauth';
    localdbEnabled: boolean;
    pepper: string;
  };
  mas?: MasSettings;
  /** Every secret value the file holds (database password, pepper, shared secrets), for masking. */
  secrets: string[];
}

type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function readHomeserverYaml(file: string, field = 'homeserver'): Promise<Homeserver> {
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new InputError(field, `${file} is not a regular file.`);
    if (stat.size > MAX_FILE_BYTES)
      throw new InputError(
        field,
        `${file} is larger than ${MAX_FILE_BYTES} bytes; this is not a homeserver.yaml.`,
      );
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      field,
      `${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`}. Give the path of Synapse's homeserver.yaml (the playbook keeps it at ${PLAYBOOK_HOMESERVER_PATH}).`,
    );
  }
  let doc: unknown;
  try {
    // prettyErrors gives the line; its message quotes the source, so only the line number is used.
    doc = YAML.parse(text, { maxAliasCount: 100, prettyErrors: true });
  } catch (error) {
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new InputError(
      field,
      `${path.basename(file)} is not valid YAML${line ? ` (line ${line})` : ''}. Fix the file, then plan again.`,
    );
  }
  if (!isMap(doc))
    throw new InputError(field, `${path.basename(file)} is not a homeserver.yaml (no top-level map).`);
  return parseHomeserver(doc, file, field);
}

function parseHomeserver(doc: YamlMap, file: string, field: string): Homeserver {
  const wrong = (key: string, expected: string) =>
    new InputError(field, `${path.basename(file)}: "${key}" must be ${expected}.`);
  const serverName = doc.server_name;
  if (typeof serverName !== 'string' || serverName.trim() === '')
    throw new InputError(
      field,
      `${path.basename(file)} has no "server_name": is this Synapse's homeserver.yaml?`,
    );

  const rounds = doc.bcrypt_rounds ?? SYNAPSE_DEFAULT_ROUNDS;
  if (
    typeof rounds !== 'number' ||
    !Number.isInteger(rounds) ||
    rounds < BCRYPT_MIN_COST ||
    rounds > BCRYPT_MAX_COST
  )
    throw wrong('bcrypt_rounds', `a whole number from ${BCRYPT_MIN_COST} to ${BCRYPT_MAX_COST}`);

  const mas = masSettings(doc, wrong);
  const passwordSection = doc.password_config ?? {};
  if (!isMap(passwordSection)) throw wrong('password_config', 'a map');
  const enabled = passwordSection.enabled ?? !mas;
  if (typeof enabled !== 'boolean' && enabled !== 'only_for_reauth')
    throw wrong('password_config.enabled', 'true, false or only_for_reauth');
  const localdbEnabled = passwordSection.localdb_enabled ?? true;
  if (typeof localdbEnabled !== 'boolean') throw wrong('password_config.localdb_enabled', 'true or false');
  const pepper = passwordSection.pepper ?? '';
  if (typeof pepper !== 'string') throw wrong('password_config.pepper', 'a string');

  const database = databaseSettings(doc.database, file, wrong);
  const publicBaseUrl = typeof doc.public_baseurl === 'string' ? doc.public_baseurl : undefined;
  const secrets = [
    database.engine === 'postgres' ? database.password : undefined,
    pepper,
    ...['registration_shared_secret', 'macaroon_secret_key', 'form_secret'].map((key) => doc[key]),
    isMap(doc.matrix_authentication_service) ? doc.matrix_authentication_service.secret : undefined,
  ].filter((value): value is string => typeof value === 'string' && value.length > 0);
  return {
    file,
    serverName: serverName.trim(),
    publicBaseUrl,
    localClientUrl: localClientUrl(doc.listeners),
    database,
    bcryptRounds: rounds,
    passwordConfig: { enabled, localdbEnabled, pepper },
    mas,
    secrets,
  };
}

function masSettings(
  doc: YamlMap,
  wrong: (key: string, expected: string) => InputError,
): MasSettings | undefined {
  const section = doc.matrix_authentication_service;
  if (section !== undefined && section !== null) {
    if (!isMap(section)) throw wrong('matrix_authentication_service', 'a map');
    if (section.enabled === true)
      return {
        via: 'matrix_authentication_service',
        endpoint: typeof section.endpoint === 'string' ? section.endpoint : undefined,
      };
  }
  const experimental = doc.experimental_features;
  const msc3861 = isMap(experimental) ? experimental.msc3861 : undefined;
  if (isMap(msc3861) && msc3861.enabled === true)
    return {
      via: 'experimental_features.msc3861',
      endpoint: typeof msc3861.issuer === 'string' ? msc3861.issuer : undefined,
    };
  return undefined;
}

function databaseSettings(
  section: unknown,
  file: string,
  wrong: (key: string, expected: string) => InputError,
): SynapseDatabase {
  // Synapse's default without a database section is SQLite in the config folder.
  if (section === undefined || section === null)
    return { engine: 'sqlite', file: path.join(path.dirname(file), 'homeserver.db') };
  if (!isMap(section)) throw wrong('database', 'a map');
  const args = section.args ?? {};
  if (!isMap(args)) throw wrong('database.args', 'a map');
  const text = (key: string) => {
    const value = args[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && key !== 'password') return String(value);
    throw wrong(`database.args.${key}`, 'a string');
  };
  if (section.name === 'sqlite3')
    return { engine: 'sqlite', file: text('database') ?? path.join(path.dirname(file), 'homeserver.db') };
  if (section.name !== 'psycopg2') throw wrong('database.name', '"psycopg2" (PostgreSQL) or "sqlite3"');
  const port = args.port;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535))
    throw wrong('database.args.port', 'a port number');
  return {
    engine: 'postgres',
    host: text('host'),
    port: port as number | undefined,
    name: text('dbname') ?? text('database'),
    user: text('user'),
    password: text('password'),
    sslmode: text('sslmode'),
  };
}

function localClientUrl(listeners: unknown): string | undefined {
  if (!Array.isArray(listeners)) return undefined;
  for (const listener of listeners) {
    if (!isMap(listener) || listener.tls === true || typeof listener.port !== 'number') continue;
    if ((listener.type ?? 'http') !== 'http') continue;
    const serves = Array.isArray(listener.resources)
      ? listener.resources.some(
          (resource) => isMap(resource) && Array.isArray(resource.names) && resource.names.includes('client'),
        )
      : false;
    if (serves) return `http://127.0.0.1:${listener.port}`;
  }
  return undefined;
}

/** Why the procedure cannot use an SQLite homeserver (the reason, for a refusal). */
export function sqliteRefusal(database: { file: string }): string {
  return (
    `This homeserver keeps its data in SQLite (${database.file}), which Synapse supports only for testing. ` +
    'Breakglass changes Synapse databases on PostgreSQL only: an SQLite file is locked by the running server and ' +
    'has no network login to guard. Use the admin API path (path: admin-api) with an admin token instead, or ' +
    'stop Synapse and run its own `hash_password` plus an UPDATE with the sqlite3 tool.'
  );
}
