// Module / machine.config connection strings: keys, the platform's plaintext, and the check against server.hsconf.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkConnectionStrings,
  connectionKeyRole,
  connectionStringFor,
  expectedCredentials,
  MODULE_CONNECTION_KEYS,
  parseConnectionString,
} from '../../src/main/systems/outsystems/connection-strings.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { parseAppSettings, renderAppSettings } from '../../src/main/systems/outsystems/module-configs.js';
import { encryptSetting } from '../../src/main/systems/outsystems/settings-crypto.js';

const HOSTILE = `p;w=d}{"'<&>]]>é☃`;
const key = randomBytes(16);

function hsconf(runtimePassword: string): HsConf {
  const section = (name: string, users: string) =>
    `<${name}><ProviderKey>SqlServer</ProviderKey><Server>DB01\\OS</Server><Catalog>cat_${name.slice(0, 3)}</Catalog><UsedAuthenticationMode>Database Authentication</UsedAuthenticationMode>${users}</${name}>`;
  return HsConf.parse(
    `<?xml version="1.0"?><EnvironmentConfiguration>${section(
      'PlatformDatabaseConfiguration',
      `<AdminUser>OSADMIN</AdminUser><AdminPassword encrypted="true">${encryptSetting('admin-pw', key)}</AdminPassword><RuntimeUser>OSRUNTIME</RuntimeUser><RuntimePassword encrypted="true">${encryptSetting(runtimePassword, key)}</RuntimePassword><RuntimeAdvancedSettings>Encrypt=true</RuntimeAdvancedSettings>`,
    )}${section(
      'SessionDatabaseConfiguration',
      `<SessionUser>OSSTATE</SessionUser><SessionPassword>plain-session</SessionPassword>`,
    )}${section(
      'LoggingDatabaseConfiguration',
      '<AdminUser>DOMAIN\\svc</AdminUser><RuntimeUser>DOMAIN\\svc</RuntimeUser>',
    ).replace('Database Authentication', 'Windows Authentication')}</EnvironmentConfiguration>`,
  );
}

describe('connection strings', () => {
  it('maps every documented key, with or without " (DEFAULT)", to its user; other keys to nothing', () => {
    expect(connectionKeyRole('OutSystems.DB.Platform.Application.Runtime.ConnectionString (DEFAULT)')).toBe(
      'platform-runtime',
    );
    expect(connectionKeyRole('OutSystems.DB.Platform.Services.Session.ConnectionString')).toBe('session');
    expect(connectionKeyRole('OutSystems.DB.Logging.Services.Admin.ConnectionString')).toBe('log-admin');
    expect(connectionKeyRole('OutSystems.DB.Logging.Application.Runtime.ConnectionString (DEFAULT)')).toBe(
      'log-runtime',
    );
    expect(connectionKeyRole('OutSystems.HubEdition.SettingsKeyPath(DEFAULT)')).toBeUndefined();
    expect(connectionKeyRole('OutSystems.DB.Logging.Application.Session.ConnectionString')).toBeUndefined();
  });

  it('builds the platform plaintext from server.hsconf and parses it back, a hostile password intact', () => {
    const text = connectionStringFor(hsconf(HOSTILE), key, 'platform-runtime');
    expect(text.startsWith('data source=DB01\\OS;initial catalog=cat_Pla;user id=OSRUNTIME;password=')).toBe(
      true,
    );
    expect(text.endsWith(';Encrypt=true')).toBe(true);
    expect(parseConnectionString(text)).toEqual({
      dataSource: 'DB01\\OS',
      catalog: 'cat_Pla',
      user: 'OSRUNTIME',
      password: HOSTILE,
    });
    expect(parseConnectionString('Data Source=x;User ID=u;Password="a;b"')).toMatchObject({
      user: 'u',
      password: 'a;b',
    });
  });

  it('tells current, stale, undecryptable and missing apart; Windows-authenticated users are not checked', () => {
    const doc = hsconf(HOSTILE);
    const expected = expectedCredentials(doc, key);
    expect([...expected.keys()]).toEqual(['platform-admin', 'platform-runtime', 'session']);
    const current = encryptSetting(connectionStringFor(doc, key, 'platform-runtime'), key);
    const stale = encryptSetting(connectionStringFor(hsconf('old-pw'), key, 'platform-runtime'), key);
    const file = renderAppSettings(
      new Map([
        ['OutSystems.DB.Platform.Application.Runtime.ConnectionString (DEFAULT)', current],
        [
          'OutSystems.DB.Platform.Application.Session.ConnectionString (DEFAULT)',
          encryptSetting('x', randomBytes(16)),
        ],
        ['OutSystems.DB.Logging.Application.Runtime.ConnectionString (DEFAULT)', stale],
      ]),
    );
    const entries = parseAppSettings(file, 'appSettings.config');
    expect(
      checkConnectionStrings(entries, MODULE_CONNECTION_KEYS, expected, key).map((c) => c.status),
    ).toEqual(['current', 'undecryptable']);
    const staleOnly = new Map([['OutSystems.DB.Platform.Application.Runtime.ConnectionString', stale]]);
    expect(checkConnectionStrings(staleOnly, MODULE_CONNECTION_KEYS, expected, key)).toEqual([
      {
        key: 'OutSystems.DB.Platform.Application.Runtime.ConnectionString',
        role: 'platform-runtime',
        status: 'stale',
        user: 'OSRUNTIME',
      },
      {
        key: 'OutSystems.DB.Platform.Application.Session.ConnectionString (DEFAULT)',
        role: 'session',
        status: 'missing',
      },
    ]);
  });

  it('refuses a malformed appSettings.config naming the file', () => {
    expect(() => parseAppSettings('<appSettings><add key="a"', 'running/X.1/appSettings.config')).toThrow(
      /running\/X.1\/appSettings.config is not well-formed XML/,
    );
  });
});
