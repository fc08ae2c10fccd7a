/**
 * A PostgreSQL server a product's config names (e.g. a compose file's `db:5432`), with the
 * admin's `database: { host, port, name, user, password }` taking precedence field by field. A
 * host that only resolves inside a docker compose network must be replaced before it is used.
 */
import { z } from 'zod';
import { checkHost } from './address.js';
import { DbInputError } from './errors.js';
import type { DbSettings, TlsSettings } from './types.js';

export const postgresTargetInput = z
  .object({
    host: z.string().trim().min(1).max(255).optional().meta({
      title: 'Database host',
      description:
        'Where this machine reaches the product\'s PostgreSQL (the compose host name "db" only works inside its network).',
    }),
    port: z.number().int().min(1).max(65535).optional().meta({ title: 'Port' }),
    name: z.string().min(1).max(63).optional().meta({ title: 'Database name' }),
    user: z.string().min(1).max(63).optional().meta({ title: 'User' }),
    password: z.string().min(1).max(1024).optional().meta({ title: 'Password', secret: true }),
  })
  .strict()
  .meta({ title: 'Database (only for the database path)' });

export type PostgresTargetInput = z.output<typeof postgresTargetInput>;

export interface PostgresDefaults {
  host?: string;
  port?: number;
  name?: string;
  user?: string;
  password?: string;
  /** Host names that resolve only inside the product's container network (e.g. "db"). */
  containerOnlyHosts?: readonly string[];
  /** Where the defaults came from, for the error text ("the deploy folder's .env"). */
  source: string;
  tls?: TlsSettings;
}

/** A libpq-style URL (postgres://user:password@host:port/name?sslmode=…) as defaults; throws DbInputError naming `field`. */
export function postgresDefaultsFromUrl(url: string, source: string, field: string): PostgresDefaults {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DbInputError(field, `${source} holds a database URL that cannot be parsed.`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new DbInputError(field, `${source} holds a database URL that is not postgres://.`);
  const decode = (text: string, part: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw new DbInputError(field, `${source}: the database URL's ${part} has a malformed % escape.`);
    }
  };
  const sslmode = parsed.searchParams.get('sslmode') ?? 'disable';
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || undefined,
    port: parsed.port ? Number(parsed.port) : undefined,
    name: decode(parsed.pathname.replace(/^\//, ''), 'name') || undefined,
    user: parsed.username ? decode(parsed.username, 'user') : undefined,
    password: parsed.password ? decode(parsed.password, 'password') : undefined,
    source,
    tls:
      sslmode === 'disable' || sslmode === 'allow' || sslmode === 'prefer'
        ? { enabled: false }
        : { enabled: true, trustServerCertificate: sslmode === 'require' },
  };
}

/** `field` is the input's path (e.g. "database"); a missing or unusable part is a DbInputError naming `field.<part>`. */
export function resolvePostgresTarget(
  defaults: PostgresDefaults,
  input: PostgresTargetInput | undefined,
  field: string,
): DbSettings {
  const host = input?.host ?? defaults.host;
  if (!host)
    throw new DbInputError(
      `${field}.host`,
      `${defaults.source} gives no database host: enter ${field}.host.`,
    );
  if (!input?.host && defaults.containerOnlyHosts?.includes(host))
    throw new DbInputError(
      `${field}.host`,
      `${defaults.source} names the database host "${host}", which resolves only inside the docker compose network. Enter ${field}.host (and ${field}.port) where this machine reaches that PostgreSQL, e.g. a published port or the container's address.`,
    );
  checkHost(host, `${field}.host`);
  const user = input?.user ?? defaults.user;
  const password = input?.password ?? defaults.password;
  const database = input?.name ?? defaults.name;
  if (!user)
    throw new DbInputError(
      `${field}.user`,
      `${defaults.source} gives no database user: enter ${field}.user.`,
    );
  if (password === undefined)
    throw new DbInputError(
      `${field}.password`,
      `${defaults.source} gives no database password: give ${field}.password.`,
    );
  if (!database)
    throw new DbInputError(
      `${field}.name`,
      `${defaults.source} gives no database name: enter ${field}.name.`,
    );
  return {
    dialect: 'postgres',
    host,
    port: input?.port ?? defaults.port ?? 5432,
    database,
    authentication: 'sql',
    user,
    password,
    tls: defaults.tls ?? { enabled: false },
  };
}
