/**
 * One URL form for every dialect, for the conformance suites' test servers (BREAKGLASS_TEST_*_URL):
 *   postgres://user:pw@host:5432/db?sslmode=require
 *   mssql://user:pw@host[:port]/db?instance=SQLEXPRESS&encrypt=true&trustServerCertificate=true&domain=CORP
 *   oracle://user:pw@host:1521/SERVICE?tls=true
 * The server part of an mssql URL may also be a `Server` value: mssql://user:pw@/db?server=HOST%5CINSTANCE,1433
 */
import { checkHost } from '../../src/main/platform/db/address.js';
import { DbInputError } from '../../src/main/platform/db/errors.js';
import { oracleAddress } from '../../src/main/platform/db/oracle-connect.js';
import { decodeUrlPart, parsePostgresUrl } from '../../src/main/platform/db/postgres-conninfo.js';
import { parseSqlServerServer } from '../../src/main/platform/db/sqlserver-server.js';
import type { DbSettings } from '../../src/main/platform/db/types.js';

const FIELD = 'database URL';

function flag(url: URL, name: string): boolean | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new DbInputError(FIELD, `The ${name} option of the ${FIELD} must be true or false.`);
}

export function dbSettingsFromUrl(text: string): DbSettings {
  if (/^postgres(ql)?:/i.test(text.trim())) return parsePostgresUrl(text, FIELD);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new DbInputError(FIELD, `The ${FIELD} is not a valid URL (see the forms in the documentation).`);
  }
  const user = decodeUrlPart(url.username, 'user name', FIELD);
  const password = decodeUrlPart(url.password, 'password', FIELD);
  const path = decodeUrlPart(url.pathname.replace(/^\//, ''), 'database name', FIELD);
  if (url.protocol === 'mssql:' || url.protocol === 'sqlserver:') {
    const serverParam = url.searchParams.get('server');
    let address;
    if (serverParam) address = parseSqlServerServer(serverParam);
    else {
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      checkHost(host, FIELD);
      address = {
        host,
        port: url.port ? Number(url.port) : undefined,
        instance: url.searchParams.get('instance') ?? undefined,
      };
    }
    const encrypt = flag(url, 'encrypt') ?? false;
    const domain = url.searchParams.get('domain') ?? undefined;
    return {
      dialect: 'mssql',
      ...address,
      database: path || undefined,
      authentication: domain ? 'windows-ntlm' : 'sql',
      domain,
      user,
      password,
      tls: { enabled: encrypt, trustServerCertificate: flag(url, 'trustServerCertificate') ?? false },
    };
  }
  if (url.protocol === 'oracle:') {
    const tls = flag(url, 'tls') ?? false;
    const address = oracleAddress({
      host: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      serviceName: path,
      tls,
    });
    return {
      dialect: 'oracle',
      host: address.host,
      port: address.port,
      serviceName: address.serviceName,
      connectString: address.connectString,
      schema: url.searchParams.get('schema') ?? undefined,
      authentication: 'sql',
      user,
      password,
      tls: { enabled: tls, trustServerCertificate: flag(url, 'trustServerCertificate') ?? false },
    };
  }
  throw new DbInputError(FIELD, `The ${FIELD} must start with postgres://, mssql:// or oracle://.`);
}
