import path from 'node:path';
import { Engine } from '../engine/engine.js';
import { JournalEmpty, JournalTampered } from '../engine/journal.js';
import { NotFound } from '../engine/registry.js';
import { RunConflict } from '../engine/run-lock.js';
import { secretFieldPatterns } from '../engine/input-secrets.js';
import { InputError, ProcedureRefusal } from '../engine/types.js';
import { defaultDataDir } from '../api/data-dir.js';
import { serve } from './commands/serve.js';
import { SecretInputError } from '../platform/secrets/read-secret.js';
import { systems } from '../systems/index.js';
import { refuseSecretsOnArgv, SecretOnCommandLine } from './argv-secrets.js';
import type { CommandContext } from './command-context.js';
import { discoverCommand } from './commands/discover.js';
import { hashCommand } from './commands/hash.js';
import { planCommand } from './commands/plan.js';
import { proceduresCommand } from './commands/procedures.js';
import { reportCommand } from './commands/report.js';
import { resumeCommand } from './commands/resume.js';
import { rollbackCommand } from './commands/rollback.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { sandboxCommand } from './commands/sandbox.js';
import { HELP } from './help.js';
import { ExitCode, type CliIo } from './io.js';

type Command = (args: string[], context: CommandContext) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  procedures: proceduresCommand,
  plan: planCommand,
  run: runCommand,
  resume: resumeCommand,
  rollback: rollbackCommand,
  runs: runsCommand,
  report: reportCommand,
  sandbox: sandboxCommand,
  hash: (args, { io }) => hashCommand(args, io),
  discover: discoverWithEngine,
  serve: serveCommand,
};

/** The `breakglass` command line: global options, the secret-on-argv guard, dispatch, errors → exit codes. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    refuseSecretsOnArgv(argv, secretFieldNames());
    const { dataDir, rest } = takeDataDir(argv, io);
    const [name, ...args] = rest;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(HELP);
      return name ? ExitCode.ok : ExitCode.badInput;
    }
    const command = COMMANDS[name];
    if (!command) throw new InputError('command', `"${name}" is not a command; see \`breakglass --help\`.`);
    if (args.includes('--help') && name !== 'hash' && name !== 'discover') {
      io.stdout.write(HELP);
      return ExitCode.ok;
    }
    return await command(args, { io, dataDir });
  } catch (error) {
    return reportError(error, io, json);
  }
}

function takeDataDir(argv: readonly string[], io: CliIo): { dataDir: string; rest: string[] } {
  const rest: string[] = [];
  let dataDir: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--data-dir') {
      dataDir = argv[index + 1];
      if (!dataDir) throw new InputError('--data-dir', 'needs a directory.');
      index += 1;
    } else if (arg.startsWith('--data-dir=')) {
      dataDir = arg.slice('--data-dir='.length);
    } else {
      rest.push(arg);
    }
  }
  return { dataDir: dataDir ? path.resolve(io.cwd, dataDir) : defaultDataDir(io.env), rest };
}

async function discoverWithEngine(args: string[], { io, dataDir }: CommandContext): Promise<number> {
  const engine = new Engine(dataDir, systems);
  try {
    return await discoverCommand(args, io, (systemId, options, kind) =>
      engine.discover(systemId, options, kind),
    );
  } finally {
    await engine.close();
  }
}

async function serveCommand(args: string[], { io, dataDir }: CommandContext): Promise<number> {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ args, options: { port: { type: 'string' } }, allowPositionals: false });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new InputError('--port', `"${values.port}" is not a port number (0-65535).`);
  return serve({ port, dataDir, io });
}

function secretFieldNames(): Set<string> {
  const names = new Set<string>();
  for (const system of systems) {
    for (const procedure of system.procedures)
      for (const pattern of secretFieldPatterns(procedure.inputs)) names.add(String(pattern.at(-1)));
  }
  return names;
}

const KNOWN_ERRORS: Array<[new (...args: never[]) => Error, string]> = [
  [InputError, 'invalid-input'],
  [SecretOnCommandLine, 'invalid-input'],
  [SecretInputError, 'invalid-input'],
  [ProcedureRefusal, 'refused'],
  [JournalTampered, 'refused'],
  [JournalEmpty, 'refused'],
  [NotFound, 'not-found'],
  [RunConflict, 'conflict'],
];

function reportError(error: unknown, io: CliIo, json: boolean): number {
  const known = KNOWN_ERRORS.find(([type]) => error instanceof type);
  const parseError = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ?? false;
  const code = known ? known[1] : parseError ? 'invalid-input' : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  if (json) io.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
  else io.stderr.write(`breakglass: ${message}\n`);
  return code === 'internal' ? 1 : ExitCode.badInput;
}
