/**
 * How Synapse runs, so that the plan can restart it (needed after direct database changes, which
 * Synapse's per-process caches do not see): matrix-docker-ansible-deploy (a systemd unit
 * `matrix-synapse.service` that runs the container), a docker compose project next to the config,
 * the Debian package's systemd unit, or unknown (the admin restarts it).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { Environment } from '../../engine/types.js';
import { DockerComposeServiceController } from '../../platform/services/docker-compose.js';
import type { ServiceController } from '../../platform/services/types.js';
import { PLAYBOOK_HOMESERVER_PATH } from './homeserver.js';

export const SYNAPSE_SYSTEMD_UNIT = 'matrix-synapse.service';
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

export type SynapseRuntime =
  | { kind: 'playbook'; unit: string }
  | { kind: 'systemd'; unit: string }
  | { kind: 'docker-compose'; projectDir: string; composeFile: string; service: string }
  | { kind: 'unknown' };

export async function detectSynapseRuntime(
  homeserverFile: string,
  env: Environment,
): Promise<SynapseRuntime> {
  const resolved = path.resolve(homeserverFile);
  if (env.kind === 'sandbox' || resolved === PLAYBOOK_HOMESERVER_PATH)
    return { kind: 'playbook', unit: SYNAPSE_SYSTEMD_UNIT };
  const configDir = path.dirname(resolved);
  for (const dir of [configDir, path.dirname(configDir)]) {
    const compose = await composeService(dir);
    if (compose) return { kind: 'docker-compose', projectDir: dir, ...compose };
  }
  if (resolved.startsWith('/etc/matrix-synapse/')) return { kind: 'systemd', unit: SYNAPSE_SYSTEMD_UNIT };
  return { kind: 'unknown' };
}

/** The compose file in `dir` and its service running a Synapse image, if any. */
async function composeService(dir: string): Promise<{ composeFile: string; service: string } | undefined> {
  for (const name of COMPOSE_FILES) {
    let doc: unknown;
    try {
      doc = YAML.parse(await fs.readFile(path.join(dir, name), 'utf8'), { maxAliasCount: 100 });
    } catch {
      continue;
    }
    const services = (doc as { services?: unknown } | null)?.services;
    if (!services || typeof services !== 'object') continue;
    for (const [service, definition] of Object.entries(services as Record<string, unknown>)) {
      const image = (definition as { image?: unknown } | null)?.image;
      if (typeof image === 'string' && /(^|\/)synapse(:|@|$)/.test(image))
        return { composeFile: name, service };
    }
  }
  return undefined;
}

export function describeRuntime(runtime: SynapseRuntime): string {
  switch (runtime.kind) {
    case 'playbook':
      return `matrix-docker-ansible-deploy: systemd unit ${runtime.unit} runs the matrix-synapse container`;
    case 'systemd':
      return `systemd unit ${runtime.unit}`;
    case 'docker-compose':
      return `docker compose service "${runtime.service}" in ${path.join(runtime.projectDir, runtime.composeFile)}`;
    case 'unknown':
      return 'not found (no playbook layout, compose file or Debian package path): restart Synapse yourself';
  }
}

/** The controller and service name that restart Synapse, or undefined when it cannot be restarted from here. */
export function restartTarget(
  runtime: SynapseRuntime,
  env: Environment,
): { controller: ServiceController; name: string } | undefined {
  if (runtime.kind === 'playbook' || runtime.kind === 'systemd')
    return { controller: env.services, name: runtime.unit };
  if (runtime.kind === 'docker-compose')
    return {
      controller: new DockerComposeServiceController(env.exec, {
        projectDir: runtime.projectDir,
        composeFile: runtime.composeFile,
      }),
      name: runtime.service,
    };
  return undefined;
}
