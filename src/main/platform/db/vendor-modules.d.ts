// The parts of mssql (no bundled types) and oracledb (no bundled types) that the adapters use.
declare module 'mssql' {
  interface IResult<Row> {
    recordset?: Row[];
    rowsAffected: number[];
  }
  class Request {
    constructor(parent?: ConnectionPool | Transaction);
    input(name: string, value: unknown): Request;
    query<Row = Record<string, unknown>>(command: string): Promise<IResult<Row>>;
    batch<Row = Record<string, unknown>>(command: string): Promise<IResult<Row>>;
  }
  class Transaction {
    constructor(pool: ConnectionPool);
    begin(): Promise<Transaction>;
    commit(): Promise<void>;
    rollback(): Promise<void>;
  }
  class ConnectionPool {
    constructor(config: Record<string, unknown>);
    connect(): Promise<ConnectionPool>;
    close(): Promise<void>;
    request(): Request;
    on(event: 'error', listener: (error: Error) => void): ConnectionPool;
  }
  const mssql: {
    ConnectionPool: typeof ConnectionPool;
    Transaction: typeof Transaction;
    Request: typeof Request;
  };
  export default mssql;
}

declare module 'oracledb' {
  interface Result<Row> {
    rows?: Row[];
    rowsAffected?: number;
  }
  interface Connection {
    callTimeout: number;
    execute<Row = Record<string, unknown>>(
      sql: string,
      binds?: unknown[],
      options?: Record<string, unknown>,
    ): Promise<Result<Row>>;
    commit(): Promise<void>;
    rollback(): Promise<void>;
    close(): Promise<void>;
  }
  const oracledb: {
    OUT_FORMAT_OBJECT: number;
    getConnection(attributes: Record<string, unknown>): Promise<Connection>;
  };
  export default oracledb;
}
