import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import { systems } from '../../systems/index.js';
import { writeJson, type CommandContext } from '../command-context.js';
import { ExitCode } from '../io.js';
import { renderRuns } from '../render.js';

/** `breakglass runs [--json]`: every run in the data dir, newest first, with its state. */
export async function runsCommand(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  const runs = new Engine(context.dataDir, systems).list();
  if (values.json) writeJson(context.io, { runs });
  else context.io.stdout.write(renderRuns(runs));
  return ExitCode.ok;
}
