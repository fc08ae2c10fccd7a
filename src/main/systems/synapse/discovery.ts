/**
 * What homeserver.yaml and the machine tell an admin, as facts: at the top of every plan, and the
 * Synapse discovery report (in the sandbox also the practice users, their passwords and tokens).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DiscoveryReport, Fact } from '../../../shared/procedure.js';
import type { Environment } from '../../engine/types.js';
import { PLAYBOOK_HOMESERVER_PATH, readHomeserverYaml, type Homeserver } from './homeserver.js';
import { describeRuntime, detectSynapseRuntime } from './runtime.js';
import {
  SANDBOX_ADMIN_TOKEN_FILE,
  SANDBOX_HOMESERVER,
  SANDBOX_MAS_ADMIN_TOKEN_FILE,
  SANDBOX_MAS_CONFIG,
  SANDBOX_MAS_HOMESERVER,
  SANDBOX_PLAYBOOK_DIR,
  SYNAPSE_SANDBOX_PASSWORDS,
  SYNAPSE_SANDBOX_USERS,
} from './sandbox.js';

export function homeserverFacts(homeserver: Homeserver, pepperSource: string, runtime: string): Fact[] {
  const database = homeserver.database;
  return [
    { label: 'homeserver.yaml', value: homeserver.file, status: 'info' },
    { label: 'server_name', value: homeserver.serverName, status: 'info' },
    {
      label: 'Database',
      value:
        database.engine === 'postgres'
          ? `PostgreSQL (psycopg2) ${database.host ?? '?'}:${database.port ?? 5432}/${database.name ?? '?'} as ${database.user ?? '?'}`
          : `SQLite ${database.file}`,
      status: database.engine === 'postgres' ? 'ok' : 'warn',
    },
    { label: 'bcrypt_rounds', value: String(homeserver.bcryptRounds), status: 'info' },
    {
      label: 'Pepper',
      value: homeserver.passwordConfig.pepper ? `set (${pepperSource})` : 'none',
      status: 'info',
    },
    {
      label: 'password_config',
      value: `enabled: ${String(homeserver.passwordConfig.enabled)}, localdb_enabled: ${homeserver.passwordConfig.localdbEnabled}`,
      status:
        homeserver.passwordConfig.enabled === true && homeserver.passwordConfig.localdbEnabled
          ? 'ok'
          : 'error',
    },
    {
      label: 'Matrix Authentication Service',
      value: homeserver.mas
        ? `in front (${homeserver.mas.via}.enabled${homeserver.mas.endpoint ? `, ${homeserver.mas.endpoint}` : ''})`
        : 'not used',
      status: homeserver.mas ? 'warn' : 'ok',
    },
    { label: 'How Synapse runs', value: runtime, status: 'info' },
  ];
}

/** `installDir`: homeserver.yaml or the folder holding it (default: the playbook's, or the sandbox's). */
export async function synapseDiscoveryReport(
  options: Record<string, unknown>,
  env: Environment,
): Promise<DiscoveryReport> {
  const given =
    typeof options.installDir === 'string' && options.installDir
      ? path.resolve(options.installDir)
      : undefined;
  const file = given
    ? (await fs.stat(given).then(
        (stat) => stat.isDirectory(),
        () => false,
      ))
      ? path.join(given, 'homeserver.yaml')
      : given
    : env.kind === 'sandbox' && env.sandboxRoot
      ? path.join(env.sandboxRoot, SANDBOX_HOMESERVER)
      : PLAYBOOK_HOMESERVER_PATH;
  const homeserver = await readHomeserverYaml(file, 'installDir');
  const runtime = await detectSynapseRuntime(homeserver.file, env);
  const sections: DiscoveryReport['sections'] = [
    {
      title: 'homeserver.yaml',
      facts: homeserverFacts(homeserver, 'homeserver.yaml password_config.pepper', describeRuntime(runtime)),
    },
  ];
  if (env.kind === 'sandbox' && env.sandboxRoot) {
    const root = env.sandboxRoot;
    sections.push(
      {
        title: 'Practice users (@…:practice.example)',
        facts: [
          {
            label: SYNAPSE_SANDBOX_USERS.admin,
            value: `server admin, password ${SYNAPSE_SANDBOX_PASSWORDS.admin}`,
            status: 'info',
          },
          {
            label: SYNAPSE_SANDBOX_USERS.alice,
            value: `2 devices, tokens; password ${SYNAPSE_SANDBOX_PASSWORDS.alice}`,
            status: 'info',
          },
          { label: SYNAPSE_SANDBOX_USERS.bob, value: 'deactivated (no password hash)', status: 'warn' },
          {
            label: SYNAPSE_SANDBOX_USERS.carol,
            value: `locked; password ${SYNAPSE_SANDBOX_PASSWORDS.carol}`,
            status: 'warn',
          },
          {
            label: `${SYNAPSE_SANDBOX_USERS.dave} / ${SYNAPSE_SANDBOX_USERS.daveUpper}`,
            value: 'differ only in case',
            status: 'warn',
          },
        ],
      },
      {
        title: 'Practice files',
        facts: [
          {
            label: 'Admin token (Synapse)',
            value: path.join(root, SANDBOX_ADMIN_TOKEN_FILE),
            status: 'info',
          },
          {
            label: 'MAS variant homeserver.yaml',
            value: path.join(root, SANDBOX_MAS_HOMESERVER),
            status: 'info',
          },
          {
            label: 'MAS config.yaml / admin token',
            value: `${path.join(root, SANDBOX_MAS_CONFIG)} / ${path.join(root, SANDBOX_MAS_ADMIN_TOKEN_FILE)}`,
            status: 'info',
          },
          { label: 'Playbook checkout', value: path.join(root, SANDBOX_PLAYBOOK_DIR), status: 'info' },
        ],
      },
    );
  }
  return { system: 'synapse', title: 'Matrix Synapse', sections };
}
