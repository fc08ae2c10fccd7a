import { parseArgs } from 'node:util';
import { ProcedureRegistry } from '../../engine/registry.js';
import { systems } from '../../systems/index.js';
import { writeJson, type CommandContext } from '../command-context.js';
import { ExitCode } from '../io.js';
import { renderProcedures } from '../render.js';

/** `breakglass procedures [--json]` */
export async function proceduresCommand(args: string[], { io }: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  const procedures = new ProcedureRegistry(systems).summaries();
  if (values.json) writeJson(io, { procedures });
  else io.stdout.write(renderProcedures(procedures));
  return ExitCode.ok;
}
