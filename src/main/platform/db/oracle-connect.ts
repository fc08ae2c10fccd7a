/**
 * Oracle connect strings as OutSystems and admins hold them: host + port + service name, EZConnect
 * (`[tcps://]host[:port]/service`), or a full TNS connect descriptor `(DESCRIPTION=...)`. A TNS alias
 * needs tnsnames.ora: the admin pastes the alias's descriptor instead.
 */
import { checkHost, parsePort } from './address.js';
import { DbInputError } from './errors.js';

export interface OracleAddress {
  host: string;
  port: number;
  serviceName?: string;
  sid?: string;
  tls: boolean;
  /** What the driver gets: EZConnect Plus or the descriptor as given. */
  connectString: string;
}

const DEFAULT_PORT = 1521;
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._$#-]*$/;

function checkService(service: string, field: string): void {
  if (!SERVICE_NAME.test(service))
    throw new DbInputError(
      field,
      `The service name in ${field} is not valid (letters, digits and . _ $ # -).`,
    );
}

export function oracleAddress(options: {
  host: string;
  port?: number;
  serviceName: string;
  tls?: boolean;
}): OracleAddress {
  const host = options.host.trim();
  checkHost(host, 'Host');
  checkService(options.serviceName.trim(), 'ServiceName');
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new DbInputError('Port', 'The Oracle port must be a number from 1 to 65535.');
  const tls = options.tls ?? false;
  const serviceName = options.serviceName.trim();
  return {
    host,
    port,
    serviceName,
    tls,
    connectString: `${tls ? 'tcps' : 'tcp'}://${host}:${port}/${serviceName}`,
  };
}

/** EZConnect: `[tcp|tcps://]host[:port][/service_name]`. */
export function parseEzConnect(text: string, field = 'connect string'): OracleAddress {
  const match = /^(?:(tcps?):\/\/|\/\/)?([^:/]+|\[[^\]]+\])(?::([^/]*))?(?:\/([^:/?]+))?$/i.exec(text.trim());
  if (!match)
    throw new DbInputError(field, `The ${field} is not in EZConnect form host[:port]/service_name.`);
  const [, protocol, host = '', portText, serviceName] = match;
  if (!serviceName)
    throw new DbInputError(
      field,
      `The ${field} names no service: add /service_name (e.g. db01:1521/ORCLPDB1).`,
    );
  return oracleAddress({
    host,
    port: portText === undefined ? undefined : parsePort(portText, field),
    serviceName,
    tls: protocol?.toLowerCase() === 'tcps',
  });
}

type TnsNode = { key: string; value: string | TnsNode[] };

/** Parses `(KEY=VALUE)` / `(KEY=(...)(...))` nesting; refuses unbalanced or stray text. */
function parseTnsNodes(text: string, field: string): TnsNode[] {
  let position = 0;
  const fail = (): never => {
    throw new DbInputError(
      field,
      `The ${field} is not a well-formed TNS descriptor (check the parentheses near character ${position + 1}).`,
    );
  };
  const skipSpace = (): void => {
    while (position < text.length && /\s/.test(text[position] ?? '')) position += 1;
  };
  const parseList = (): TnsNode[] => {
    const nodes: TnsNode[] = [];
    skipSpace();
    while (text[position] === '(') {
      position += 1;
      const equals = text.indexOf('=', position);
      if (equals < 0) fail();
      const key = text.slice(position, equals).trim().toUpperCase();
      if (!/^[A-Z_]+$/.test(key)) fail();
      position = equals + 1;
      skipSpace();
      let value: string | TnsNode[];
      if (text[position] === '(') value = parseList();
      else {
        const close = text.indexOf(')', position);
        if (close < 0) fail();
        value = text.slice(position, close).trim();
        if (/[()=]/.test(value)) fail();
        position = close;
      }
      skipSpace();
      if (text[position] !== ')') fail();
      position += 1;
      nodes.push({ key, value });
      skipSpace();
    }
    return nodes;
  };
  const nodes = parseList();
  if (position !== text.length || nodes.length === 0) fail();
  return nodes;
}

function findValue(nodes: TnsNode[], key: string): string | undefined {
  for (const node of nodes) {
    if (node.key === key && typeof node.value === 'string') return node.value;
    if (Array.isArray(node.value)) {
      const found = findValue(node.value, key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function parseTnsDescriptor(text: string, field = 'TNS descriptor'): OracleAddress {
  const descriptor = text.trim();
  const nodes = parseTnsNodes(descriptor, field);
  if (nodes[0]?.key !== 'DESCRIPTION' && nodes[0]?.key !== 'DESCRIPTION_LIST') {
    throw new DbInputError(field, `The ${field} must start with (DESCRIPTION=...).`);
  }
  const host = findValue(nodes, 'HOST');
  if (!host) throw new DbInputError(field, `The ${field} has no (HOST=...) in its ADDRESS.`);
  checkHost(host, field);
  const portText = findValue(nodes, 'PORT');
  const serviceName = findValue(nodes, 'SERVICE_NAME');
  const sid = findValue(nodes, 'SID');
  if (!serviceName && !sid)
    throw new DbInputError(
      field,
      `The ${field} has neither (SERVICE_NAME=...) nor (SID=...) in CONNECT_DATA.`,
    );
  return {
    host,
    port: portText === undefined ? DEFAULT_PORT : parsePort(portText, field),
    serviceName,
    sid,
    tls: (findValue(nodes, 'PROTOCOL') ?? 'TCP').toUpperCase() === 'TCPS',
    connectString: descriptor,
  };
}

/** A descriptor when it starts with `(`, else EZConnect; a bare alias is refused with the fix. */
export function parseOracleConnectString(text: string, field = 'connect string'): OracleAddress {
  const trimmed = text.trim();
  if (trimmed.startsWith('(')) return parseTnsDescriptor(trimmed, field);
  if (/^[A-Za-z][A-Za-z0-9_.]*$/.test(trimmed) && !trimmed.includes('/')) {
    throw new DbInputError(
      field,
      `"${trimmed}" looks like a TNS alias, which needs tnsnames.ora; paste the alias's (DESCRIPTION=...) from tnsnames.ora, or give host:port/service_name.`,
    );
  }
  return parseEzConnect(trimmed, field);
}
