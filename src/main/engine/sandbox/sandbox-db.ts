import { lazyDbConnector } from '../lazy-db-connector.js';
import type { ConnectionTestResult, DbConnector, DbSession, DbSettings } from '../../platform/db/types.js';

/** What a system's seed created on the sandbox server besides its own database: extra databases and login roles. */
export interface SandboxObjects {
  /** Given name (e.g. a product's catalog name) → real database name. */
  databases: ReadonlyMap<string, string>;
  /** Real names of the login roles the seed created. */
  roles: ReadonlySet<string>;
}

/**
 * The sandbox's connector (dialect postgres whatever the settings say). A login role the sandbox
 * created logs in as itself with the password it is given (a wrong one fails as on a real server),
 * to the database its `database` setting names (the system's own database when it names none the
 * seed created). Any other user reaches the system's database as the sandbox's admin: the practice
 * procedures that take a typed connection rely on that.
 */
export class SandboxDbConnector implements DbConnector {
  private readonly inner = lazyDbConnector();

  constructor(
    private readonly databaseUrl: () => Promise<string>,
    private readonly objects: () => Promise<SandboxObjects>,
  ) {}

  async connect(settings: DbSettings): Promise<DbSession> {
    return this.inner.connect(await this.resolve(settings));
  }

  async test(settings: DbSettings): Promise<ConnectionTestResult> {
    return this.inner.test(await this.resolve(settings));
  }

  private async resolve(settings: DbSettings): Promise<DbSettings> {
    const url = new URL(await this.databaseUrl());
    const admin: DbSettings = {
      dialect: 'postgres',
      host: url.hostname,
      port: Number(url.port || 5432),
      database: decodeURIComponent(url.pathname.slice(1)),
      authentication: 'sql',
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      tls: { enabled: false },
      ...(settings.connectTimeoutMs !== undefined ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
    };
    const objects = await this.objects();
    if (!objects.roles.has(settings.user)) return admin;
    const database = settings.database
      ? [...objects.databases].find(([name]) => name.toLowerCase() === settings.database?.toLowerCase())?.[1]
      : undefined;
    return {
      ...admin,
      user: settings.user,
      password: settings.password,
      ...(database ? { database } : {}),
    };
  }
}
