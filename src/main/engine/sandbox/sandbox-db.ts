import { lazyDbConnector } from '../lazy-db-connector.js';
import type { ConnectionTestResult, DbConnector, DbSession, DbSettings } from '../../platform/db/types.js';

/** Connects to this system's sandbox database whatever settings a procedure passes (dialect postgres). */
export class SandboxDbConnector implements DbConnector {
  private readonly inner = lazyDbConnector();

  constructor(private readonly databaseUrl: () => Promise<string>) {}

  async connect(_settings: DbSettings): Promise<DbSession> {
    return this.inner.connect(await this.settings());
  }

  async test(_settings: DbSettings): Promise<ConnectionTestResult> {
    return this.inner.test(await this.settings());
  }

  private async settings(): Promise<DbSettings> {
    const url = new URL(await this.databaseUrl());
    return {
      dialect: 'postgres',
      host: url.hostname,
      port: Number(url.port || 5432),
      database: decodeURIComponent(url.pathname.slice(1)),
      authentication: 'sql',
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      tls: { enabled: false },
    };
  }
}
