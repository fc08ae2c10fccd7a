/** One small interface over PostgreSQL (pg), SQL Server (mssql/tedious) and Oracle (oracledb thin). */
export type Dialect = 'postgres' | 'mssql' | 'oracle';

export interface TlsSettings {
  /** Encrypt the connection (SQL Server `Encrypt`, PostgreSQL sslmode != disable, Oracle TCPS). */
  enabled: boolean;
  /** Accept a server certificate that does not chain to a trusted root. */
  trustServerCertificate?: boolean;
  /** PEM of a CA to trust. */
  caPem?: string;
}

export interface DbSettings {
  dialect: Dialect;
  host: string;
  port?: number;
  /** SQL Server named instance (HOST\INSTANCE). */
  instance?: string;
  /** Database / catalog (SQL Server, PostgreSQL). */
  database?: string;
  /** Oracle service name, or a full TNS connect descriptor in `connectString`. */
  serviceName?: string;
  connectString?: string;
  /** Oracle schema (owner of the tables) when it differs from the login user. */
  schema?: string;
  authentication: 'sql' | 'windows-ntlm';
  user: string;
  password: string;
  /** For windows-ntlm: the Windows domain. */
  domain?: string;
  tls?: TlsSettings;
  connectTimeoutMs?: number;
}

/** A classified connection failure: what an admin can act on. */
export type ConnectionFailureKind =
  | 'unreachable'
  | 'tls'
  | 'login-failed'
  | 'password-expired'
  | 'account-locked'
  | 'database-missing'
  | 'permission-missing'
  | 'timeout'
  | 'unknown';

export type ConnectionTestResult =
  { ok: true; serverVersion: string } | { ok: false; kind: ConnectionFailureKind; message: string };

export type SqlValue = string | number | boolean | null | Date | Buffer;

/** A rendered statement: text with the dialect's placeholders, its parameters, and a display form with secrets masked. */
export interface RenderedSql {
  text: string;
  params: SqlValue[];
  display: string;
}

export interface GuardedStatement {
  sql: RenderedSql;
  /** Rows the statement must affect; anything else rolls the transaction back. Default 1. */
  expectRows?: number;
}

export interface DbSession {
  readonly dialect: Dialect;
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: RenderedSql): Promise<Row[]>;
  /** Runs the statements in one transaction, checking each row count; on a mismatch rolls back and throws RowCountMismatch. */
  guarded(statements: readonly GuardedStatement[]): Promise<number[]>;
  /** Runs DDL that cannot be parameterised (password changes); the text was built by the dialect's quoting functions. */
  ddl(sql: RenderedSql): Promise<void>;
  close(): Promise<void>;
}

export interface DbConnector {
  connect(settings: DbSettings): Promise<DbSession>;
  test(settings: DbSettings): Promise<ConnectionTestResult>;
}
