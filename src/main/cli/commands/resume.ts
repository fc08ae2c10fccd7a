import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import { InputError } from '../../engine/types.js';
import { systems } from '../../systems/index.js';
import type { CommandContext } from '../command-context.js';
import { cliDecider } from '../decider.js';
import { resumeSecrets } from '../input-file.js';
import { answersFrom, finish, printEvents, RUN_OPTIONS } from './run.js';

/** `breakglass resume <run-id> [--input <file>] [--yes] [--done <step>]... [--on-failure stop|rollback] [--json]` */
export async function resumeCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...RUN_OPTIONS, input: { type: 'string' } },
    allowPositionals: true,
  });
  const [runId, ...extra] = positionals;
  if (!runId || extra.length > 0)
    throw new InputError('run-id', 'give exactly one run id (see `breakglass runs`).');
  const answers = answersFrom(values);
  const engine = new Engine(context.dataDir, systems);
  try {
    const needs = engine.resumeNeeds(runId);
    const { procedure } = engine.registry.get(needs.procedureId);
    const secrets = await resumeSecrets(needs.secretFields, procedure, values.input, context.io);
    const handle = await engine.resume(runId, secrets, {
      onEvent: printEvents(context, values.json),
      decide: cliDecider(context.io, answers),
    });
    return await finish(handle, context, values.json, values.input);
  } finally {
    await engine.close();
  }
}
