/** The discovery as the report an admin reads (wizard and `breakglass discover outsystems`). */
import type { DiscoveryReport, Fact } from '../../../shared/procedure.js';
import type { OutSystemsDiscovery } from './discovery.js';

const PASSWORD_TEXT: Record<string, { value: string; status: Fact['status'] }> = {
  decrypted: { value: 'set, encrypted with this private.key', status: 'ok' },
  plaintext: { value: 'set in plain text (the Configuration Tool encrypts it on Apply)', status: 'warn' },
  missing: { value: 'not set', status: 'warn' },
  'no-key': { value: 'encrypted, but private.key could not be read', status: 'error' },
  'wrong-key': {
    value: 'does NOT decrypt with this private.key (different key than the controller?)',
    status: 'error',
  },
  'builtin-key': {
    value: "encrypted with the platform's built-in key (older format): enter the current value when asked",
    status: 'warn',
  },
  malformed: { value: 'damaged encrypted value', status: 'error' },
};

export function buildOutSystemsDiscoveryReport(discovery: OutSystemsDiscovery): DiscoveryReport {
  const installation: Fact[] = [
    {
      label: 'Platform Server folder',
      value: `${discovery.installDir} (${installSourceText(discovery)})`,
      status: discovery.installDirSource === 'default' ? 'warn' : 'ok',
    },
    { label: 'Platform version', value: discovery.platformVersion ?? 'unknown', status: 'info' },
    fileFact('server.hsconf', discovery.hsconf),
    fileFact('private.key', discovery.privateKey),
    {
      label: 'Hosting',
      value:
        discovery.hosting === 'self-managed'
          ? 'self-managed (server.hsconf is on this machine)'
          : 'unknown — on OutSystems Cloud, ask another admin or OutSystems Support instead',
      status: discovery.hosting === 'self-managed' ? 'ok' : 'warn',
    },
  ];

  const role: Fact[] = [
    {
      label: 'Server role',
      value:
        discovery.role === 'controller'
          ? 'deployment controller (Deployment Controller service enabled)'
          : discovery.role === 'front-end'
            ? 'front-end (no enabled Deployment Controller service)'
            : 'unknown (no OutSystems services found)',
      status: discovery.role === 'unknown' ? 'warn' : 'ok',
    },
    ...discovery.services.map((service): Fact => ({
      label: service.displayName ?? service.name,
      value: `${service.state}${service.startType ? `, start type ${service.startType}` : ''}`,
      status: service.state === 'running' || service.startType === 'disabled' ? 'ok' : 'warn',
    })),
  ];
  if (discovery.servicesProblem)
    role.push({ label: 'Services', value: discovery.servicesProblem, status: 'error' });

  const databases: Fact[] = [
    {
      label: 'Database provider',
      value: discovery.provider ?? 'unknown',
      status: discovery.provider ? 'ok' : 'warn',
    },
  ];
  for (const database of discovery.databases) {
    if (!database.configured) {
      databases.push({
        label: `${database.label} user`,
        value: database.problem ?? 'not configured',
        status: 'warn',
      });
      continue;
    }
    const where = [database.server, database.catalog].filter(Boolean).join(' / ');
    databases.push({
      label: `${database.label} user`,
      value: `${database.user ?? '?'} on ${where || '?'}, ${database.authentication === 'windows' ? 'Windows authentication (no password to rotate)' : 'SQL authentication'}`,
      status: 'ok',
    });
    const password = PASSWORD_TEXT[database.password] ?? {
      value: database.password,
      status: 'info' as const,
    };
    databases.push({ label: `${database.label} password`, value: password.value, status: password.status });
  }

  const network: Fact[] = [
    {
      label: "This machine's addresses",
      value: discovery.machineAddresses.join(', ') || 'none found',
      status: 'info',
    },
    {
      label: 'OutgoingIPAddress (front-end Local IP Address)',
      value:
        discovery.outgoingIpOnThisMachine === 'automatic'
          ? '(automatic)'
          : discovery.outgoingIpOnThisMachine === 'unknown'
            ? 'unknown (server.hsconf not read)'
            : `${discovery.outgoingIpAddress} — ${discovery.outgoingIpOnThisMachine ? 'belongs to this machine' : 'NOT an address of this machine: fix it in the Configuration Tool, Network tab'}`,
      status:
        discovery.outgoingIpOnThisMachine === false
          ? 'error'
          : discovery.outgoingIpOnThisMachine === 'unknown'
            ? 'warn'
            : 'ok',
    },
  ];

  const privileges: Fact[] = [
    {
      label: 'Elevated (administrator)',
      value:
        discovery.elevated === 'not-needed'
          ? 'not needed in the practice sandbox'
          : discovery.elevated === 'unknown'
            ? 'unknown'
            : discovery.elevated
              ? 'yes'
              : 'no — run Breakglass as administrator to stop services and edit server.hsconf',
      status: discovery.elevated === false ? 'error' : discovery.elevated === 'unknown' ? 'warn' : 'ok',
    },
  ];

  return {
    system: 'outsystems',
    title: 'OutSystems Platform Server',
    sections: [
      { title: 'Installation', facts: installation },
      { title: 'Role and services', facts: role },
      { title: 'Databases', facts: databases },
      { title: 'Network', facts: network },
      { title: 'Privileges', facts: privileges },
    ],
  };
}

function installSourceText(discovery: OutSystemsDiscovery): string {
  switch (discovery.installDirSource) {
    case 'option':
      return 'given';
    case 'registry':
      return 'from the registry';
    case 'sandbox':
      return 'practice sandbox';
    default:
      return `default path; ${discovery.registryProblem ?? 'registry not read'}`;
  }
}

function fileFact(label: string, finding: OutSystemsDiscovery['hsconf']): Fact {
  if (finding.state === 'ok' && finding.warning) return { label, value: finding.warning, status: 'warn' };
  if (finding.state === 'ok') return { label, value: `${finding.path} (readable)`, status: 'ok' };
  return { label, value: finding.problem ?? `${finding.path}: ${finding.state}`, status: 'error' };
}
