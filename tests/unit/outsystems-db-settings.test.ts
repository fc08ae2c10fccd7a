import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { dbSettingsFromHsconf } from '../../src/main/systems/outsystems/hsconf-db-settings.js';
import { parsePrivateKey } from '../../src/main/systems/outsystems/private-key.js';
import { FIXTURES_DIR } from '../support/scripted-exec.js';

const dir = path.join(FIXTURES_DIR, 'outsystems/hsconf');
const load = (name: string) => HsConf.parse(fs.readFileSync(path.join(dir, name)), name);
const key = parsePrivateKey(fs.readFileSync(path.join(dir, 'private.key'))).key;
const otherKey = parsePrivateKey(fs.readFileSync(path.join(dir, 'other-private.key'))).key;

describe('dbSettingsFromHsconf', () => {
  it('builds SQL Server settings for each of the five users, decrypting with private.key', () => {
    const doc = load('sqlserver.hsconf');
    expect(dbSettingsFromHsconf(doc, key, 'platform-admin')).toEqual({
      dialect: 'mssql',
      host: 'SQLPROD01',
      instance: 'OUTSYSTEMS',
      port: 1533,
      database: 'outsystems',
      authentication: 'sql',
      user: 'OSADMIN',
      password: 'Adm1n&<Platform>"pw"',
    });
    expect(dbSettingsFromHsconf(doc, key, 'platform-runtime')).toMatchObject({
      user: 'OSRUNTIME',
      password: 'Runt1me-Pässwörd-€',
    });
    expect(dbSettingsFromHsconf(doc, key, 'log-admin')).toMatchObject({
      user: 'OSADMIN_LOG',
      database: 'outsystems_log',
      password: 'LogAdmin#2024',
    });
    expect(dbSettingsFromHsconf(doc, key, 'log-runtime')).toMatchObject({
      user: 'OSRUNTIME_LOG',
      password: 'LogRuntime#2024',
    });
    expect(dbSettingsFromHsconf(doc, key, 'session')).toEqual({
      dialect: 'mssql',
      host: 'sqlsession.corp.example',
      port: 1433,
      database: 'osSession',
      authentication: 'sql',
      user: 'OSSTATE',
      password: 'Sess1on!State',
    });
  });

  it('builds Oracle settings: service name or TNS name, the admin user as schema, plaintext values as they are', () => {
    const doc = load('oracle.hsconf');
    expect(dbSettingsFromHsconf(doc, key, 'platform-runtime')).toEqual({
      dialect: 'oracle',
      authentication: 'sql',
      host: 'orascan.corp.example',
      port: 1521,
      serviceName: 'OSPROD',
      user: 'OSRUNTIME',
      password: 'Runt1me-Pässwörd-€',
      schema: 'OSADMIN',
    });
    // A TNS alias needs tnsnames.ora, which the thin driver does not read: refused with the way out.
    expect(() => dbSettingsFromHsconf(doc, key, 'log-admin')).toThrow(
      /LoggingDatabaseConfiguration\/TNSName.*looks like a TNS alias.*tnsnames\.ora/,
    );
    const descriptor =
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=oralog.corp.example)(PORT=1522))(CONNECT_DATA=(SERVICE_NAME=OSLOG)))';
    expect(
      dbSettingsFromHsconf(
        doc.set('LoggingDatabaseConfiguration', 'TNSName', descriptor, { encrypted: false }),
        key,
        'log-admin',
      ),
    ).toMatchObject({
      dialect: 'oracle',
      host: 'oralog.corp.example',
      port: 1522,
      serviceName: 'OSLOG',
      connectString: descriptor,
      user: 'OSADMIN_LOG',
      password: 'LogAdmin#2024',
      schema: 'OSADMIN_LOG',
    });
    expect(dbSettingsFromHsconf(doc, undefined, 'session')).toMatchObject({
      user: 'OSSTATE',
      password: 'Sess1on!State',
      schema: 'OSSTATE',
    });
  });

  it('detects Windows authentication and splits DOMAIN\\user', () => {
    const doc = load('sqlserver.hsconf')
      .set('PlatformDatabaseConfiguration', 'UsedAuthenticationMode', 'Windows Authentication', {
        encrypted: false,
      })
      .set('PlatformDatabaseConfiguration', 'AdminUser', 'CORP\\svc-outsystems', { encrypted: false });
    expect(dbSettingsFromHsconf(doc, key, 'platform-admin')).toMatchObject({
      authentication: 'windows-ntlm',
      domain: 'CORP',
      user: 'svc-outsystems',
    });
    const unknown = doc.set('PlatformDatabaseConfiguration', 'UsedAuthenticationMode', 'Kerberos?', {
      encrypted: false,
    });
    expect(() => dbSettingsFromHsconf(unknown, key, 'platform-admin')).toThrow(
      /UsedAuthenticationMode is "Kerberos\?", which Breakglass does not recognise/,
    );
  });

  it('says when the password does not decrypt with this private.key, or the provider is unknown', () => {
    expect(() => dbSettingsFromHsconf(load('sqlserver.hsconf'), otherKey, 'platform-admin')).toThrow(
      /different private.key than the controller/,
    );
    const db2 = load('sqlserver.hsconf').set('PlatformDatabaseConfiguration', 'ProviderKey', 'DB2', {
      encrypted: false,
    });
    expect(() => dbSettingsFromHsconf(db2, key, 'platform-admin')).toThrow(
      /ProviderKey is "DB2"; Breakglass knows SqlServer and Oracle/,
    );
    const pipe = load('sqlserver.hsconf').set(
      'PlatformDatabaseConfiguration',
      'Server',
      'np:\\\\db01\\pipe\\sql\\query',
      { encrypted: false },
    );
    expect(() => dbSettingsFromHsconf(pipe, key, 'platform-admin')).toThrow(
      /^PlatformDatabaseConfiguration\/Server: .*"np:" protocol.* Fix it in the Configuration Tool\.$/,
    );
  });
});
