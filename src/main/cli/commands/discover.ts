/** `breakglass discover outsystems [--install-dir DIR] [--json]`: what is on this machine, read only, secrets never shown. */
import type { DiscoveryReport } from '../../../shared/procedure.js';
import { NodeExec } from '../../platform/exec/node-exec.js';
import { SystemdServiceController } from '../../platform/services/systemd.js';
import { WindowsServiceController } from '../../platform/services/windows.js';
import { discoverOutSystems, type DiscoveryEnvironment, type OutSystemsDiscoveryOptions } from '../../systems/outsystems/discovery.js';
import { buildOutSystemsDiscoveryReport } from '../../systems/outsystems/discovery-report.js';
import { ExitCode, type CliIo } from '../io.js';

const USAGE = `usage: breakglass discover outsystems [--install-dir DIR] [--json]
  --install-dir  the Platform Server folder (default: from the registry, else C:\\Program Files\\OutSystems\\Platform Server)
  --json         print the report as JSON
Reads only: nothing is changed, and no password is shown.`;

const STATUS_MARK: Record<string, string> = { ok: 'ok  ', info: '    ', warn: 'WARN', error: 'FAIL' };

export interface DiscoverCommandDependencies {
  env?: DiscoveryEnvironment;
  /** Extra discovery options (tests use them to play a Windows machine). */
  options?: Omit<OutSystemsDiscoveryOptions, 'installDir'>;
}

export async function discoverCommand(args: string[], io: CliIo, dependencies: DiscoverCommandDependencies = {}): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  let parsed: { system: string; installDir?: string; json: boolean };
  try {
    parsed = parseArgs(args);
  } catch (error) {
    io.stderr.write(`breakglass discover: ${(error as Error).message}\n${USAGE}\n`);
    return ExitCode.badInput;
  }
  const env = dependencies.env ?? realEnvironment();
  const discovery = await discoverOutSystems({ ...dependencies.options, installDir: parsed.installDir }, env);
  const report = buildOutSystemsDiscoveryReport(discovery);
  io.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return ExitCode.ok;
}

function parseArgs(args: string[]): { system: string; installDir?: string; json: boolean } {
  let system: string | undefined;
  let installDir: string | undefined;
  let json = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--install-dir' || arg.startsWith('--install-dir=')) {
      installDir = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++index];
      if (!installDir) throw new Error('--install-dir needs a folder');
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (system === undefined) system = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (system !== 'outsystems') {
    throw new Error(system === undefined ? 'name the system to discover' : `discovery is available for outsystems, not "${system}"`);
  }
  return { system, installDir, json };
}

function realEnvironment(): DiscoveryEnvironment {
  const exec = new NodeExec();
  return {
    kind: 'real',
    exec,
    services: process.platform === 'win32' ? new WindowsServiceController(exec) : new SystemdServiceController(exec),
  };
}

function formatReport(report: DiscoveryReport): string {
  const lines = [report.title, ''];
  for (const section of report.sections) {
    lines.push(section.title);
    for (const fact of section.facts) lines.push(`  ${STATUS_MARK[fact.status] ?? '    '}  ${fact.label}: ${fact.value}`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
