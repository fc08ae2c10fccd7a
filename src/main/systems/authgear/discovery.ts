/** What an Authgear config folder tells an admin, as facts: the app id, the Admin API and its keys, the database, the paths. */
import type { DiscoveryReport, Fact } from '../../../shared/procedure.js';
import type { AuthgearConfig } from './config.js';

/** The admin server's default listen port (ADMIN_LISTEN_ADDR 0.0.0.0:3002), as this machine reaches it. */
export const DEFAULT_ADMIN_API_URL = 'http://127.0.0.1:3002/_api/admin/graphql';

export function authgearConfigFacts(config: AuthgearConfig): Fact[] {
  const keys = config.adminApiKeys;
  let database = 'no "db" item in authgear.secrets.yaml';
  if (config.database) {
    try {
      const url = new URL(config.database.url);
      database = `${url.hostname}:${url.port || 5432}/${url.pathname.replace(/^\//, '')}, schema ${config.database.schema}`;
    } catch {
      database = 'the "db" item holds a URL that cannot be parsed';
    }
  }
  return [
    { label: 'Config folder', value: config.configDir, status: 'info' },
    { label: 'App id (the Admin API JWT audience)', value: config.appId ?? 'none', status: 'info' },
    {
      label: 'Admin API',
      value: `${DEFAULT_ADMIN_API_URL} unless adminApiUrl says otherwise (ADMIN_LISTEN_ADDR, default port 3002)`,
      status: 'info',
    },
    {
      label: 'Admin API keys (admin-api.auth)',
      value:
        keys.length === 0
          ? 'none in authgear.secrets.yaml: give adminApiKey for the Admin API path'
          : keys
              .map(
                (key) =>
                  `"${key.kid}"${key.alg ? '' : ' (no alg: the server only accepts keys that carry alg RS256)'}`,
              )
              .join(', '),
      status: keys.length === 0 || keys.some((key) => !key.alg) ? 'warn' : 'ok',
    },
    { label: 'Database (from the "db" item)', value: database, status: 'info' },
    {
      label: 'Paths, in the preferred order',
      value:
        "the Portal or the user's own forgot-password (explained); the Admin API; the database only when the Admin API cannot be reached",
      status: 'info',
    },
  ];
}

export function authgearDiscoveryReport(config: AuthgearConfig): DiscoveryReport {
  return {
    system: 'authgear',
    title: 'Authgear',
    sections: [{ title: 'Config folder', facts: authgearConfigFacts(config) }],
  };
}
