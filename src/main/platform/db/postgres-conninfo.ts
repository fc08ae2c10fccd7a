/**
 * PostgreSQL connection settings as configs hold them: a URL (`postgres://user:pw@host:5432/db?sslmode=require`)
 * or libpq key/value text (`host=db port=5432 dbname=synapse user=synapse password='a b'`).
 */
import { checkHost, parsePort } from './address.js';
import { DbInputError } from './errors.js';
import type { DbSettings, TlsSettings } from './types.js';

export type PostgresSettings = Omit<DbSettings, 'dialect' | 'authentication'> & {
  dialect: 'postgres';
  authentication: 'sql';
};

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** libpq's sslmode as TLS settings: require encrypts without checking the certificate, verify-* check it. */
function tlsFromSslMode(mode: string | undefined, field: string): TlsSettings {
  if (mode === undefined) return { enabled: false };
  if (!(SSL_MODES as readonly string[]).includes(mode))
    throw new DbInputError(field, `sslmode must be one of ${SSL_MODES.join(', ')}.`);
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') return { enabled: false };
  return { enabled: true, trustServerCertificate: mode === 'require' };
}

function build(values: Record<string, string | undefined>, field: string): PostgresSettings {
  const host = values.host ?? 'localhost';
  if (host.startsWith('/'))
    throw new DbInputError(field, 'Unix-socket connections are not supported; give the TCP host name.');
  checkHost(host, field);
  return {
    dialect: 'postgres',
    host,
    port: values.port === undefined ? 5432 : parsePort(values.port, field),
    database: values.dbname,
    authentication: 'sql',
    user: values.user ?? '',
    password: values.password ?? '',
    tls: tlsFromSslMode(values.sslmode, field),
  };
}

/** decodeURIComponent, with a malformed `%` escape refused as DbInputError naming the field (never echoing the value). */
export function decodeUrlPart(value: string, part: string, field: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new DbInputError(
      field,
      `The ${part} in the ${field} has a malformed % escape: write a literal % as %25 and encode reserved characters (e.g. @ as %40).`,
    );
  }
}

export function parsePostgresUrl(text: string, field = 'database URL'): PostgresSettings {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new DbInputError(
      field,
      `The ${field} is not a valid URL (postgres://user:password@host:5432/database).`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new DbInputError(field, `The ${field} must start with postgres:// or postgresql://.`);
  const decode = (value: string, part: string): string | undefined =>
    value === '' ? undefined : decodeUrlPart(value, part, field);
  return build(
    {
      host: decode(url.hostname.replace(/^\[(.*)\]$/, '$1'), 'host'),
      port: decode(url.port, 'port'),
      dbname: decode(url.pathname.replace(/^\//, ''), 'database name'),
      user: decode(url.username, 'user name'),
      password: decode(url.password, 'password'),
      sslmode: url.searchParams.get('sslmode') ?? undefined,
    },
    field,
  );
}

/** libpq key/value: values bare or single-quoted, with `\'` and `\\` escapes inside quotes. */
export function parsePostgresKeyValue(text: string, field = 'connection string'): PostgresSettings {
  const values: Record<string, string> = {};
  const pattern = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s']*))/y;
  let position = 0;
  const input = text.trim();
  while (position < input.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(input);
    if (!match)
      throw new DbInputError(
        field,
        `The ${field} is not in key=value form near character ${position + 1} (quote values with spaces in single quotes).`,
      );
    const [, key = '', quoted, bare] = match;
    values[key.toLowerCase()] = quoted === undefined ? (bare ?? '') : quoted.replace(/\\(.)/g, '$1');
    position = pattern.lastIndex;
    while (/\s/.test(input[position] ?? '')) position += 1;
  }
  return build(values, field);
}
