import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { SimulatedServiceController } from '../../platform/services/simulated.js';
import type { Environment, SandboxSeedContext, SystemModule } from '../types.js';
import { SandboxDbConnector } from './sandbox-db.js';
import { SandboxExec } from './sandbox-exec.js';
import { SandboxHttp } from './sandbox-http.js';
import { startSandboxServer, type SandboxServer } from './sandbox-postgres.js';

const SEED_MARKER_TABLE = 'breakglass_sandbox_seed';

/**
 * The practice sandbox under `<dataDir>/sandbox`: one PostgreSQL database per system
 * (`sandbox_<system>`, seeded once by the system's `seedSandbox`, with a marker row so a re-seed
 * only happens through `reset`), a file tree per system under `files/<system>`, and simulated
 * services in `services.json`. The server starts on first use and stops with `close()`.
 */
export class Sandbox {
  readonly dir: string;
  private server?: Promise<SandboxServer>;
  private readonly ready = new Map<string, Promise<string>>();

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
      db: new SandboxDbConnector(databaseUrl),
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

  /** Throws away a system's sandbox database, files and services; the next use seeds it afresh. */
  async reset(systemId: string): Promise<void> {
    const server = await this.startServer();
    this.ready.delete(systemId);
    await withClient(server.adminUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${this.databaseName(systemId, server)}" WITH (FORCE)`);
    });
    fs.rmSync(this.filesRoot(systemId), { recursive: true, force: true });
    fs.rmSync(path.join(this.dir, 'services', `${systemId}.json`), { force: true });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.ready.clear();
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
    const base = `sandbox_${systemId.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
    if (!server.shared) return base;
    return `${base}_${createHash('sha256').update(path.resolve(this.dir)).digest('hex').slice(0, 10)}`;
  }

  private async prepare(system: SystemModule): Promise<string> {
    const server = await this.startServer();
    const name = this.databaseName(system.id, server);
    await withClient(server.adminUrl, async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    });
    const url = new URL(server.adminUrl);
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    const seeded = await withClient(databaseUrl, async (client) => {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${SEED_MARKER_TABLE} (system text PRIMARY KEY, seeded_at timestamptz NOT NULL DEFAULT now())`,
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
      });
      await defined;
      await withClient(databaseUrl, (client) =>
        client.query(`INSERT INTO ${SEED_MARKER_TABLE} (system) VALUES ($1)`, [system.id]),
      );
    }
    return databaseUrl;
  }

  /** What simulated programs see; services are declared only while seeding. */
  private seedContext(system: SystemModule, databaseUrl: string): SandboxSeedContext {
    return {
      databaseUrl,
      root: this.filesRoot(system.id),
      defineService: () => {
        throw new Error('Services are declared while seeding the sandbox, not from a simulated program');
      },
    };
  }
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
