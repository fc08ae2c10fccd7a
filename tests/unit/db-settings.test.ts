// Connection settings parsers: SQL Server Server strings, Oracle EZConnect/TNS, PostgreSQL URLs and key/value, and the test URL form.
import { describe, expect, it } from 'vitest';
import { dbSettingsFromUrl } from '../support/db-url.js';
import { DbInputError } from '../../src/main/platform/db/errors.js';
import { mssqlConfig } from '../../src/main/platform/db/mssql-session.js';
import { oracleConnectString } from '../../src/main/platform/db/oracle-session.js';
import {
  parseEzConnect,
  parseOracleConnectString,
  parseTnsDescriptor,
} from '../../src/main/platform/db/oracle-connect.js';
import { parsePostgresKeyValue, parsePostgresUrl } from '../../src/main/platform/db/postgres-conninfo.js';
import { parseSqlServerServer } from '../../src/main/platform/db/sqlserver-server.js';

describe('SQL Server Server values', () => {
  it.each([
    ['DB01', { host: 'DB01' }],
    ['DB01\\OUTSYSTEMS', { host: 'DB01', instance: 'OUTSYSTEMS' }],
    ['db01.corp.local,1433', { host: 'db01.corp.local', port: 1433 }],
    ['DB01\\SQLEXPRESS,50123', { host: 'DB01', instance: 'SQLEXPRESS', port: 50123 }],
    ['tcp:10.0.0.5,1433', { host: '10.0.0.5', port: 1433 }],
    ['TCP:db01\\inst', { host: 'db01', instance: 'inst' }],
    ['.\\SQLEXPRESS', { host: 'localhost', instance: 'SQLEXPRESS' }],
    ['(local)', { host: 'localhost' }],
    ['  DB01 , 1433 ', { host: 'DB01', port: 1433 }],
  ])('%s', (value, expected) => {
    expect(parseSqlServerServer(value)).toEqual({ instance: undefined, port: undefined, ...expected });
  });

  it.each([
    ['', /empty/],
    ['np:\\\\DB01\\pipe\\sql\\query', /named pipes/],
    ['lpc:DB01', /named pipes, shared memory/],
    ['(localdb)\\MSSQLLocalDB', /LocalDB/],
    ['DB01,99999', /port in Server must be a number from 1 to 65535/],
    ['DB01,abc', /port in Server/],
    ['DB01\\a\\b', /more than one backslash/],
    ["DB01'; DROP", /not a valid host name/],
    ['DB01\\1nst', /instance name/],
    ['http:DB01', /unknown protocol/],
  ])('refuses %j', (value, message) => {
    expect(() => parseSqlServerServer(value)).toThrow(message);
  });

  it('passes the port to tedious, or the instance name when there is no port (they are exclusive)', () => {
    const base = { dialect: 'mssql', host: 'DB01', authentication: 'sql', user: 'u', password: 'p' } as const;
    const withPort = mssqlConfig({ ...base, instance: 'I', port: 1500 }) as {
      port?: number;
      options: { instanceName?: string };
    };
    expect(withPort.port).toBe(1500);
    expect(withPort.options.instanceName).toBeUndefined();
    const withInstance = mssqlConfig({ ...base, instance: 'I' }) as {
      port?: number;
      options: { instanceName?: string };
    };
    expect(withInstance.options.instanceName).toBe('I');
    const ntlm = mssqlConfig({ ...base, authentication: 'windows-ntlm', domain: 'CORP' }) as {
      authentication?: { type: string; options: { domain: string } };
    };
    expect(ntlm.authentication).toMatchObject({ type: 'ntlm', options: { domain: 'CORP', userName: 'u' } });
  });
});

describe('Oracle connect strings', () => {
  it('EZConnect with and without port and protocol', () => {
    expect(parseEzConnect('db01:1522/ORCLPDB1')).toMatchObject({
      host: 'db01',
      port: 1522,
      serviceName: 'ORCLPDB1',
      tls: false,
      connectString: 'tcp://db01:1522/ORCLPDB1',
    });
    expect(parseEzConnect('//db01/svc.corp')).toMatchObject({ port: 1521, serviceName: 'svc.corp' });
    expect(parseEzConnect('tcps://db01:2484/svc')).toMatchObject({
      tls: true,
      connectString: 'tcps://db01:2484/svc',
    });
    expect(() => parseEzConnect('db01:1521')).toThrow(/names no service/);
  });

  it('full TNS descriptors, whitespace and case as tnsnames.ora has them', () => {
    const descriptor = `(DESCRIPTION =
      (ADDRESS = (PROTOCOL = TCPS)(HOST = db01.corp)(PORT = 2484))
      (CONNECT_DATA = (SERVER = DEDICATED) (service_name = OSPROD)))`;
    expect(parseTnsDescriptor(descriptor)).toEqual({
      host: 'db01.corp',
      port: 2484,
      serviceName: 'OSPROD',
      sid: undefined,
      tls: true,
      connectString: descriptor,
    });
    expect(
      parseTnsDescriptor('(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1521))(CONNECT_DATA=(SID=ORCL)))'),
    ).toMatchObject({ sid: 'ORCL', tls: false });
  });

  it.each([
    ['(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=x))', /well-formed/],
    ['(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=x))))', /well-formed/],
    ['(DESCRIPTION=(ADDRESS=(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=x)))', /no \(HOST=/],
    ['(DESCRIPTION=(ADDRESS=(HOST=h))(CONNECT_DATA=(SERVER=DEDICATED)))', /neither \(SERVICE_NAME/],
    ['(ADDRESS=(HOST=h))', /must start with \(DESCRIPTION/],
    ['(DESCRIPTION=(ADDRESS=(HOST=h;drop)(PORT=1))(CONNECT_DATA=(SID=x)))', /not a valid host/],
  ])('refuses malformed descriptor %#', (text, message) => {
    expect(() => parseTnsDescriptor(text)).toThrow(message);
  });

  it('tells a TNS alias apart and asks for its descriptor', () => {
    expect(() => parseOracleConnectString('OSPROD')).toThrow(/TNS alias.*tnsnames.ora/);
    expect(
      parseOracleConnectString('  (DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1))(CONNECT_DATA=(SID=x)))'),
    ).toMatchObject({ host: 'h', port: 1 });
  });

  it('builds the driver connect string from host/port/service (TCPS with TLS) or uses the descriptor as given', () => {
    const base = {
      dialect: 'oracle',
      host: 'db01',
      authentication: 'sql',
      user: 'u',
      password: 'p',
    } as const;
    expect(oracleConnectString({ ...base, serviceName: 'SVC' })).toBe('tcp://db01:1521/SVC');
    expect(oracleConnectString({ ...base, port: 2484, serviceName: 'SVC', tls: { enabled: true } })).toBe(
      'tcps://db01:2484/SVC',
    );
    expect(oracleConnectString({ ...base, connectString: '(DESCRIPTION=...)' })).toBe('(DESCRIPTION=...)');
    expect(() => oracleConnectString(base)).toThrow(/No Oracle service name/);
  });
});

describe('PostgreSQL settings', () => {
  it('URLs with encoded credentials and sslmode', () => {
    expect(
      parsePostgresUrl('postgresql://syn%40apse:p%40ss%3Aw%2Fd@db.local:5433/synapse?sslmode=verify-full'),
    ).toEqual({
      dialect: 'postgres',
      host: 'db.local',
      port: 5433,
      database: 'synapse',
      authentication: 'sql',
      user: 'syn@apse',
      password: 'p@ss:w/d',
      tls: { enabled: true, trustServerCertificate: false },
    });
    expect(parsePostgresUrl('postgres://u@[::1]/db?sslmode=require')).toMatchObject({
      host: '::1',
      port: 5432,
      tls: { enabled: true, trustServerCertificate: true },
    });
    expect(() => parsePostgresUrl('postgres://u@h/db?sslmode=bogus')).toThrow(/sslmode must be one of/);
    expect(() => parsePostgresUrl('mysql://u@h/db')).toThrow(/must start with postgres/);
  });

  it("libpq key/value with quoted values and \\' escapes", () => {
    expect(
      parsePostgresKeyValue(
        `host=db port = 5432 dbname=reportcreator user=rc password='it\\'s a \\\\ secret' sslmode=disable`,
      ),
    ).toMatchObject({
      host: 'db',
      port: 5432,
      database: 'reportcreator',
      user: 'rc',
      password: "it's a \\ secret",
      tls: { enabled: false },
    });
    expect(() => parsePostgresKeyValue("host=db password='unterminated")).toThrow(/key=value form/);
    expect(() => parsePostgresKeyValue('host=/var/run/postgresql')).toThrow(/Unix-socket/);
  });
});

describe('dbSettingsFromUrl', () => {
  it('mssql:// with instance, NTLM domain and TLS options; a Server value via ?server=', () => {
    expect(
      dbSettingsFromUrl(
        'mssql://sa:p%3Bw@db01/outsystems?instance=OS&encrypt=true&trustServerCertificate=true',
      ),
    ).toMatchObject({
      dialect: 'mssql',
      host: 'db01',
      instance: 'OS',
      database: 'outsystems',
      authentication: 'sql',
      user: 'sa',
      password: 'p;w',
      tls: { enabled: true, trustServerCertificate: true },
    });
    expect(dbSettingsFromUrl('mssql://u:p@x/db?domain=CORP')).toMatchObject({
      authentication: 'windows-ntlm',
      domain: 'CORP',
    });
    expect(dbSettingsFromUrl('mssql://u:p@x/db?server=DB02%5CSQL,1500')).toMatchObject({
      host: 'DB02',
      instance: 'SQL',
      port: 1500,
    });
    expect(() => dbSettingsFromUrl('mssql://u:p@x/db?encrypt=maybe')).toThrow(
      /encrypt option .* must be true or false/,
    );
  });

  it('oracle:// with service name and TLS', () => {
    expect(dbSettingsFromUrl('oracle://system:pw@db01:1521/FREEPDB1?tls=false')).toMatchObject({
      dialect: 'oracle',
      host: 'db01',
      port: 1521,
      serviceName: 'FREEPDB1',
      connectString: 'tcp://db01:1521/FREEPDB1',
    });
    expect(() => dbSettingsFromUrl('mysql://x')).toThrow(
      /must start with postgres:\/\/, mssql:\/\/ or oracle:\/\//,
    );
  });

  it('refuses a malformed % escape as DbInputError naming the field, without echoing the value', () => {
    for (const url of [
      'postgres://u:Secret%zz@db01/db',
      'mssql://u:Secret%zz@db01/db',
      'oracle://u:Secret%zz@db01:1521/FREE',
      'mssql://u%E0%A4@db01/db',
      'postgres://u:p@db01/da%E0%A4tabase',
    ]) {
      let caught: unknown;
      try {
        dbSettingsFromUrl(url);
      } catch (error) {
        caught = error;
      }
      expect(caught, url).toBeInstanceOf(DbInputError);
      expect((caught as DbInputError).field).toBe('database URL');
      expect((caught as Error).message).toMatch(/malformed % escape/);
      expect((caught as Error).message).not.toContain('Secret');
    }
    expect(() => parsePostgresUrl('postgres://u:p%@h/db', 'SYNAPSE_DB')).toThrow(
      /password in the SYNAPSE_DB has a malformed % escape/,
    );
  });

  it('checks the host of an mssql:// URL', () => {
    expect(() => dbSettingsFromUrl('mssql://u:p@bad!host/db')).toThrow(DbInputError);
    expect(() => dbSettingsFromUrl('mssql:///db')).toThrow(/host in database URL is not a valid host name/);
  });
});
