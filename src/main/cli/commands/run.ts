import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { RunView } from '../../../shared/procedure.js';
import { Engine, type RunHandle } from '../../engine/engine.js';
import { InputError } from '../../engine/types.js';
import { systems } from '../../systems/index.js';
import { exitCodeFor, writeJson, type CommandContext } from '../command-context.js';
import { cliDecider, type CliAnswers } from '../decider.js';
import { renderEvent, renderPlan, renderRunOutcome } from '../render.js';
import { planFromArgs } from './plan.js';

/** Flags `run` and `resume` share: how prompts are answered and what is printed. */
export const RUN_OPTIONS = {
  yes: { type: 'boolean', default: false },
  done: { type: 'string', multiple: true, default: [] as string[] },
  'on-failure': { type: 'string', default: 'stop' },
  json: { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

export function answersFrom(values: { yes?: boolean; done?: string[]; 'on-failure'?: string }): CliAnswers {
  const onFailure = values['on-failure'] ?? 'stop';
  if (onFailure !== 'stop' && onFailure !== 'rollback')
    throw new InputError('--on-failure', `"${onFailure}" is not an option; use stop or rollback.`);
  return { yes: values.yes ?? false, done: values.done ?? [], onFailure };
}

/** `breakglass run <procedure> --input <file> [--sandbox] [--yes] [--done <step>]... [--on-failure stop|rollback] [--json]` */
export async function runCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...RUN_OPTIONS, input: { type: 'string' }, sandbox: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const answers = answersFrom(values);
  const engine = new Engine(context.dataDir, systems);
  try {
    const prepared = await planFromArgs(engine, positionals, values, context.io);
    if (!values.json) context.io.stdout.write(renderPlan(prepared.view));
    const handle = engine.start(prepared, {
      onEvent: printEvents(context, values.json),
      decide: cliDecider(context.io, answers),
    });
    return await finish(handle, context, values.json, values.input);
  } finally {
    await engine.close();
  }
}

export function printEvents(context: CommandContext, json: boolean) {
  return (event: Parameters<typeof renderEvent>[0]) => {
    if (json) return;
    const text = renderEvent(event);
    if (text) context.io.stdout.write(text);
  };
}

export async function finish(
  handle: RunHandle,
  context: CommandContext,
  json: boolean,
  inputFile?: string,
): Promise<number> {
  const view: RunView = await handle.done;
  if (json) writeJson(context.io, view);
  else context.io.stdout.write(renderRunOutcome(view, { inputFile }));
  return exitCodeFor(view);
}
