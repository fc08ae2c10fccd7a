/**
 * SQL Server `Server` values as OutSystems and ADO.NET store them: `HOST`, `HOST\INSTANCE`,
 * `HOST,1433`, `HOST\INSTANCE,1433`, with an optional `tcp:` prefix. Named pipes and shared memory
 * cannot be reached from JavaScript and are refused with the way out.
 */
import { checkHost, parsePort } from './address.js';
import { DbInputError } from './errors.js';

export interface SqlServerAddress {
  host: string;
  instance?: string;
  port?: number;
}

const FIELD = 'Server';
const LOCAL_NAMES = new Set(['.', '(local)', '(localhost)']);
const INSTANCE_NAME = /^[A-Za-z_][A-Za-z0-9_$#]{0,15}$/;

export function parseSqlServerServer(value: string): SqlServerAddress {
  let rest = value.trim();
  if (rest.length === 0)
    throw new DbInputError(
      FIELD,
      'The Server value is empty; give the SQL Server host name (HOST, HOST\\INSTANCE or HOST,PORT).',
    );
  const protocol = /^([A-Za-z]+):/.exec(rest);
  if (protocol) {
    const name = (protocol[1] ?? '').toLowerCase();
    if (name === 'np' || name === 'lpc' || name === 'admin') {
      throw new DbInputError(
        FIELD,
        `The Server value uses the "${name}:" protocol (named pipes, shared memory or the admin connection), which Breakglass cannot use; give the TCP form HOST\\INSTANCE or HOST,PORT.`,
      );
    }
    if (name !== 'tcp')
      throw new DbInputError(
        FIELD,
        `The Server value starts with an unknown protocol "${name}:"; only tcp: is supported.`,
      );
    rest = rest.slice(protocol[0].length);
  }
  if (/^\(localdb\)/i.test(rest))
    throw new DbInputError(
      FIELD,
      'LocalDB is reached through named pipes, which Breakglass cannot use; point it at a SQL Server that listens on TCP.',
    );
  let port: number | undefined;
  const comma = rest.lastIndexOf(',');
  if (comma >= 0) {
    port = parsePort(rest.slice(comma + 1), FIELD);
    rest = rest.slice(0, comma).trim();
  }
  const [hostPart = '', instance, ...extra] = rest.split('\\');
  if (extra.length > 0)
    throw new DbInputError(
      FIELD,
      'The Server value has more than one backslash; the form is HOST\\INSTANCE.',
    );
  const host = LOCAL_NAMES.has(hostPart.toLowerCase()) ? 'localhost' : hostPart.trim();
  checkHost(host, FIELD);
  if (instance !== undefined && !INSTANCE_NAME.test(instance.trim())) {
    throw new DbInputError(
      FIELD,
      'The instance name in the Server value is not valid (letters, digits and _ $ #, at most 16 characters, starting with a letter or _).',
    );
  }
  return { host: host.replace(/^\[(.*)\]$/, '$1'), instance: instance?.trim(), port };
}
