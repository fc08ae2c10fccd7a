import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { quoteIdentifier, quoteStringLiteral } from '../../platform/db/quoting.js';
import { SimulatedServiceController } from '../../platform/services/simulated.js';
import type { Environment, SandboxSeedContext, SystemModule } from '../types.js';
import { SandboxDbConnector, type SandboxObjects } from './sandbox-db.js';
import { SandboxExec } from './sandbox-exec.js';
import { SandboxHttp } from './sandbox-http.js';
import { startSandboxServer, type SandboxServer } from './sandbox-postgres.js';

const SEED_MARKER_TABLE = 'breakglass_sandbox_seed';
/** The extra databases and roles a seed created (cluster-wide objects `reset` must drop). */
const OBJECTS_TABLE = 'breakglass_sandbox_objects';

/**
 * The practice sandbox under `<dataDir>/sandbox`: one PostgreSQL database per system
 * (`sandbox_<system>`, seeded once by the system's `seedSandbox`, with a marker row so a re-seed
 * only happens through `reset`), a file tree per system under `files/<system>`, and simulated
 * services in `services.json`. A seed may also create more databases and login roles
 * (`createDatabase`, `createRole`), recorded in the system's database so `reset` drops them; on a
 * shared server (BREAKGLASS_SANDBOX_PG_URL) every such name carries a per-data-dir suffix. The
 * server starts on first use and stops with `close()`.
 */
export class Sandbox {
  readonly dir: string;
  private server?: Promise<SandboxServer>;
  private readonly ready = new Map<string, Promise<string>>();
  private readonly created = new Map<string, Promise<SandboxObjects>>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'sandbox');
  }

  /** The system's simulated services, kept in `services/<system>.json`. */
  services(systemId: string): SimulatedServiceController {
    return new SimulatedServiceController(path.join(this.dir, 'services', `${systemId}.json`));
  }

  filesRoot(systemId: string): string {
    return path.join(this.dir, 'files', systemId);
  }

  environment(system: SystemModule): Environment {
    const databaseUrl = () => this.databaseUrl(system);
    const seedContext = async () => this.seedContext(system, await databaseUrl());
    return {
      kind: 'sandbox',
      exec: new SandboxExec(system.sandboxPrograms ?? {}, seedContext),
      http: new SandboxHttp(system.sandboxHttp ?? {}, seedContext),
      db: this.connector(system),
      services: this.services(system.id),
      sandboxRoot: this.filesRoot(system.id),
    };
  }

  /** URL of the system's sandbox database, created and seeded on first use. */
  databaseUrl(system: SystemModule): Promise<string> {
    let ready = this.ready.get(system.id);
    if (!ready) {
      ready = this.prepare(system);
      this.ready.set(system.id, ready);
      ready.catch(() => this.ready.delete(system.id));
    }
    return ready;
  }

  /** The extra databases and roles the system's seed created. */
  objects(system: SystemModule): Promise<SandboxObjects> {
    let objects = this.created.get(system.id);
    if (!objects) {
      objects = this.databaseUrl(system).then((url) => readObjects(url, system.id));
      this.created.set(system.id, objects);
      objects.catch(() => this.created.delete(system.id));
    }
    return objects;
  }

  /** Throws away a system's sandbox databases, roles, files and services; the next use seeds it afresh. */
  async reset(systemId: string): Promise<void> {
    const server = await this.startServer();
    this.ready.delete(systemId);
    this.created.delete(systemId);
    const systemDatabase = this.databaseName(systemId, server);
    await withClient(server.adminUrl, async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [systemDatabase]);
      const objects =
        (exists.rowCount ?? 0) > 0
          ? await readObjects(withDatabase(server.adminUrl, systemDatabase), systemId).catch(() => undefined)
          : undefined;
      for (const name of objects?.databases.values() ?? [])
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier('postgres', name)} WITH (FORCE)`);
      await client.query(
        `DROP DATABASE IF EXISTS ${quoteIdentifier('postgres', systemDatabase)} WITH (FORCE)`,
      );
      for (const role of objects?.roles ?? [])
        await client.query(`DROP ROLE IF EXISTS ${quoteIdentifier('postgres', role)}`);
    });
    fs.rmSync(this.filesRoot(systemId), { recursive: true, force: true });
    fs.rmSync(path.join(this.dir, 'services', `${systemId}.json`), { force: true });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.ready.clear();
    this.created.clear();
    if (server) await (await server).stop();
  }

  private startServer(): Promise<SandboxServer> {
    if (!this.server) {
      this.server = startSandboxServer(this.dir);
      this.server.catch(() => (this.server = undefined));
    }
    return this.server;
  }

  private databaseName(systemId: string, server: SandboxServer): string {
    return `sandbox_${sqlName(systemId)}${this.suffix(server)}`;
  }

  /** Cluster-wide names (databases, roles) of a shared server carry this data dir's suffix. */
  private suffix(server: SandboxServer): string {
    if (!server.shared) return '';
    return `_${createHash('sha256').update(path.resolve(this.dir)).digest('hex').slice(0, 10)}`;
  }

  private connector(system: SystemModule): SandboxDbConnector {
    return new SandboxDbConnector(
      () => this.databaseUrl(system),
      () => this.objects(system),
    );
  }

  private async prepare(system: SystemModule): Promise<string> {
    const server = await this.startServer();
    const name = this.databaseName(system.id, server);
    await withClient(server.adminUrl, async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    });
    const databaseUrl = withDatabase(server.adminUrl, name);
    const seeded = await withClient(databaseUrl, async (client) => {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${SEED_MARKER_TABLE} (system text PRIMARY KEY, seeded_at timestamptz NOT NULL DEFAULT now())`,
      );
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${OBJECTS_TABLE} (system text NOT NULL, kind text NOT NULL CHECK (kind IN ('database', 'role')), name text NOT NULL, real_name text NOT NULL, PRIMARY KEY (system, kind, name))`,
      );
      const marker = await client.query(`SELECT 1 FROM ${SEED_MARKER_TABLE} WHERE system = $1`, [system.id]);
      return (marker.rowCount ?? 0) > 0;
    });
    if (!seeded) {
      fs.rmSync(this.filesRoot(system.id), { recursive: true, force: true });
      fs.mkdirSync(this.filesRoot(system.id), { recursive: true, mode: 0o700 });
      fs.rmSync(path.join(this.dir, 'services', `${system.id}.json`), { force: true });
      let defined = Promise.resolve();
      const services = this.services(system.id);
      await system.seedSandbox?.({
        ...this.seedContext(system, databaseUrl),
        defineService: (serviceName, options) => {
          defined = defined.then(() => services.define(serviceName, options));
        },
        createDatabase: (databaseName) => this.createDatabase(server, system, databaseUrl, databaseName),
        createRole: (roleName, password) => this.createRole(server, system, databaseUrl, roleName, password),
      });
      await defined;
      await withClient(databaseUrl, (client) =>
        client.query(`INSERT INTO ${SEED_MARKER_TABLE} (system) VALUES ($1)`, [system.id]),
      );
    }
    return databaseUrl;
  }

  private async createDatabase(
    server: SandboxServer,
    system: SystemModule,
    systemDatabaseUrl: string,
    name: string,
  ): Promise<string> {
    const realName = `sandbox_${sqlName(system.id)}_${sqlName(name)}${this.suffix(server)}`;
    const quoted = quoteIdentifier('postgres', realName, 'sandbox database name');
    await withClient(server.adminUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${quoted}`);
    });
    await recordObject(systemDatabaseUrl, system.id, 'database', name, realName);
    return withDatabase(server.adminUrl, realName);
  }

  private async createRole(
    server: SandboxServer,
    system: SystemModule,
    systemDatabaseUrl: string,
    name: string,
    password: string,
  ): Promise<string> {
    const realName = `${name}${this.suffix(server)}`;
    const role = quoteIdentifier('postgres', realName, 'sandbox role name');
    const literal = quoteStringLiteral('postgres', password, 'sandbox role password');
    await withClient(server.adminUrl, async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [realName]);
      await client.query(
        `${(exists.rowCount ?? 0) > 0 ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN PASSWORD ${literal}`,
      );
    });
    await recordObject(systemDatabaseUrl, system.id, 'role', name, realName);
    return realName;
  }

  /** What simulated programs see; services are declared and objects created only while seeding. */
  private seedContext(system: SystemModule, databaseUrl: string): SandboxSeedContext {
    const seedingOnly = (what: string) => () => {
      throw new Error(`${what} while seeding the sandbox, not from a simulated program`);
    };
    return {
      databaseUrl,
      root: this.filesRoot(system.id),
      defineService: seedingOnly('Services are declared'),
      createDatabase: seedingOnly('Databases are created'),
      createRole: seedingOnly('Roles are created'),
      databaseUrlOf: async (name) => {
        const realName = (await readObjects(databaseUrl, system.id)).databases.get(name);
        if (!realName) throw new Error(`The sandbox has no database "${name}" for ${system.id}.`);
        return withDatabase(databaseUrl, realName);
      },
      db: this.connector(system),
      services: this.services(system.id),
    };
  }
}

function sqlName(name: string): string {
  return name.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
}

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function recordObject(
  systemDatabaseUrl: string,
  systemId: string,
  kind: 'database' | 'role',
  name: string,
  realName: string,
): Promise<void> {
  await withClient(systemDatabaseUrl, (client) =>
    client.query(
      `INSERT INTO ${OBJECTS_TABLE} (system, kind, name, real_name) VALUES ($1, $2, $3, $4) ON CONFLICT (system, kind, name) DO UPDATE SET real_name = EXCLUDED.real_name`,
      [systemId, kind, name, realName],
    ),
  );
}

async function readObjects(systemDatabaseUrl: string, systemId: string): Promise<SandboxObjects> {
  const rows = await withClient(systemDatabaseUrl, async (client) => {
    const table = await client.query('SELECT to_regclass($1) AS oid', [OBJECTS_TABLE]);
    if (!table.rows[0]?.oid) return [];
    return (
      await client.query<{ kind: string; name: string; real_name: string }>(
        `SELECT kind, name, real_name FROM ${OBJECTS_TABLE} WHERE system = $1`,
        [systemId],
      )
    ).rows;
  });
  return {
    databases: new Map(rows.filter((row) => row.kind === 'database').map((row) => [row.name, row.real_name])),
    roles: new Set(rows.filter((row) => row.kind === 'role').map((row) => row.real_name)),
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
