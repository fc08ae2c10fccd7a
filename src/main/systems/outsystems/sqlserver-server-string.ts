/**
 * The `Server` value of server.hsconf for SQL Server, in the forms the Configuration Tool accepts:
 * `host`, `host\INSTANCE`, `host,port`, `host\INSTANCE,port`, with an optional `tcp:` prefix;
 * `.`, `(local)` and `localhost` mean this machine.
 */
export interface SqlServerAddress {
  host: string;
  instance?: string;
  port?: number;
}

export function parseSqlServerServer(value: string, field = 'Server'): SqlServerAddress {
  const text = value.trim().replace(/^tcp:/i, '');
  if (!text) throw new Error(`${field} is empty. Set the database server in the Configuration Tool, then retry.`);
  if (/^(np|lpc|admin):/i.test(text)) {
    throw new Error(`${field} uses a ${text.split(':')[0]}: connection, which Breakglass cannot open. Use a TCP server name (host, host\\INSTANCE or host,port).`);
  }
  const [hostAndInstance = '', portText, extra] = text.split(',');
  if (extra !== undefined) throw new Error(`${field} "${value}" has more than one comma. Expected host, host\\INSTANCE or host,port.`);
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText.trim());
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${field} "${value}" has an invalid port "${portText.trim()}". Expected a number from 1 to 65535.`);
    }
  }
  const [rawHost = '', instance, more] = hostAndInstance.trim().split('\\');
  if (more !== undefined || !rawHost || instance === '') {
    throw new Error(`${field} "${value}" is not a server name. Expected host, host\\INSTANCE or host,port.`);
  }
  const host = rawHost === '.' || rawHost.toLowerCase() === '(local)' ? 'localhost' : rawHost;
  return { host, ...(instance ? { instance } : {}), ...(port !== undefined ? { port } : {}) };
}
