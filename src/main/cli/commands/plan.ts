import path from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import type { PreparedPlan } from '../../engine/planning.js';
import { InputError } from '../../engine/types.js';
import { systems } from '../../systems/index.js';
import { writeJson, type CommandContext } from '../command-context.js';
import { readInputFile, resolveSecretReferences } from '../input-file.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderPlan } from '../render.js';

/** `breakglass plan <procedure> --input <file> [--sandbox] [--json]`: a dry run; changes nothing. */
export async function planCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      input: { type: 'string' },
      sandbox: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const engine = new Engine(context.dataDir, systems);
  try {
    const prepared = await planFromArgs(engine, positionals, values, context.io);
    if (values.json) writeJson(context.io, prepared.view);
    else
      context.io.stdout.write(
        `${renderPlan(prepared.view)}Dry run: nothing was changed. Run it with \`breakglass run ${prepared.procedure.id} ...\`.\n`,
      );
    return ExitCode.ok;
  } finally {
    await engine.close();
  }
}

/** Shared by `plan` and `run`: the procedure, its input file with secret references resolved, the plan. */
export async function planFromArgs(
  engine: Engine,
  positionals: string[],
  values: { input?: string; sandbox?: boolean },
  io: CliIo,
): Promise<PreparedPlan> {
  const [procedureId, ...extra] = positionals;
  if (!procedureId) throw new InputError('procedure', 'missing; name one (see `breakglass procedures`).');
  if (extra.length > 0)
    throw new InputError('arguments', `unexpected ${extra.join(' ')}; inputs go in the --input file.`);
  const { procedure } = engine.registry.get(procedureId);
  const raw = values.input ? readInputFile(values.input, io.cwd) : {};
  const inputDir = values.input ? path.dirname(path.resolve(io.cwd, values.input)) : io.cwd;
  const inputs = await resolveSecretReferences(procedure, raw, inputDir, io);
  return engine.plan(procedureId, inputs, values.sandbox ? 'sandbox' : 'real');
}
