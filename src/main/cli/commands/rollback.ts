import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import { InputError } from '../../engine/types.js';
import { systems } from '../../systems/index.js';
import type { CommandContext } from '../command-context.js';
import { cliDecider } from '../decider.js';
import { resumeSecrets } from '../input-file.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderRollbackPlan } from '../render.js';
import { finish, printEvents } from './run.js';

/**
 * `breakglass rollback <run-id> [--input <file>] [--yes] [--json]`: undo what a stopped run changed,
 * or a succeeded run (undo after success), after showing the plan — each undo checked against the
 * state now — and asking (terminal) or being given `--yes`. Refused where the state moved on.
 */
export async function rollbackCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      input: { type: 'string' },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const [runId, ...extra] = positionals;
  if (!runId || extra.length > 0)
    throw new InputError('run-id', 'give exactly one run id (see `breakglass runs`).');
  const engine = new Engine(context.dataDir, systems);
  try {
    const needs = engine.rollbackNeeds(runId);
    const { procedure } = engine.registry.get(needs.procedureId);
    const secrets = await resumeSecrets(needs.secretFields, procedure, values.input, context.io);
    const plan = await engine.rollbackPlan(runId, secrets);
    const out = values.json ? context.io.stderr : context.io.stdout;
    out.write(renderRollbackPlan(plan));
    if (!plan.available) return ExitCode.badInput;
    if (!values.yes) {
      if (!context.io.stdin.isTTY)
        throw new InputError(
          '--yes',
          'a rollback needs a confirmation and there is no terminal to ask on: run it again with --yes after reading the list above.',
        );
      if (!(await askYesNo(context.io, 'Roll back now? [y/N] '))) {
        out.write('Nothing was undone.\n');
        return ExitCode.stepFailed;
      }
    }
    const handle = await engine.rollback(runId, secrets, {
      onEvent: printEvents(context, values.json),
      decide: cliDecider(context.io, { yes: false, done: [], onFailure: 'stop' }),
    });
    return await finish(handle, context, values.json);
  } finally {
    await engine.close();
  }
}

async function askYesNo(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(question);
  const reader = createInterface({ input: io.stdin, terminal: false });
  try {
    for await (const line of reader) return /^y(es)?$/i.test(line.trim());
  } finally {
    reader.close();
  }
  return false;
}
