/** `breakglass discover <system> [--install-dir DIR] [--sandbox] [--json]`: what is on this machine, read only, secrets never shown. */
import type { DiscoveryReport, EnvironmentKind } from '../../../shared/procedure.js';
import { ExitCode, type CliIo } from '../io.js';

const USAGE = `usage: breakglass discover <system> [--install-dir DIR] [--sandbox] [--json]
  <system>       e.g. outsystems
  --install-dir  the product's folder (OutSystems: the Platform Server folder; default from the registry,
                 else C:\\Program Files\\OutSystems\\Platform Server)
  --sandbox      look at the practice sandbox instead of this machine
  --json         print the report as JSON
Reads only: nothing is changed, and no password is shown.`;

const STATUS_MARK: Record<string, string> = { ok: 'ok  ', info: '    ', warn: 'WARN', error: 'FAIL' };

/** Runs a system's discovery; the dispatcher passes the engine's, tests their own. */
export type Discover = (
  systemId: string,
  options: Record<string, unknown>,
  kind: EnvironmentKind,
) => Promise<DiscoveryReport>;

export async function discoverCommand(args: string[], io: CliIo, discover: Discover): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    io.stderr.write(`breakglass discover: ${(error as Error).message}\n${USAGE}\n`);
    return ExitCode.badInput;
  }
  const options = parsed.installDir ? { installDir: parsed.installDir } : {};
  const report = await discover(parsed.system, options, parsed.sandbox ? 'sandbox' : 'real');
  io.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return ExitCode.ok;
}

function parseArgs(args: string[]): { system: string; installDir?: string; json: boolean; sandbox: boolean } {
  let system: string | undefined;
  let installDir: string | undefined;
  let json = false;
  let sandbox = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--sandbox') sandbox = true;
    else if (arg === '--install-dir' || arg.startsWith('--install-dir=')) {
      installDir = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++index];
      if (!installDir) throw new Error('--install-dir needs a folder');
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (system === undefined) system = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (system === undefined) throw new Error('name the system to discover');
  return { system, installDir, json, sandbox };
}

function formatReport(report: DiscoveryReport): string {
  const lines = [report.title, ''];
  for (const section of report.sections) {
    lines.push(section.title);
    for (const fact of section.facts)
      lines.push(`  ${STATUS_MARK[fact.status] ?? '    '}  ${fact.label}: ${fact.value}`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
