import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import { InputError } from '../../engine/types.js';
import { systems } from '../../systems/index.js';
import type { CommandContext } from '../command-context.js';
import { ExitCode } from '../io.js';

/** `breakglass sandbox reset <system>`: throws away that system's practice data; the next run seeds it afresh. */
export async function sandboxCommand(args: string[], context: CommandContext): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const [action, systemId, ...extra] = positionals;
  if (action !== 'reset' || !systemId || extra.length > 0)
    throw new InputError('sandbox', 'usage: breakglass sandbox reset <system>');
  const engine = new Engine(context.dataDir, systems);
  try {
    engine.registry.system(systemId);
    await engine.sandbox.reset(systemId);
    context.io.stdout.write(`The ${systemId} practice sandbox was reset; it is seeded afresh on next use.\n`);
    return ExitCode.ok;
  } finally {
    await engine.close();
  }
}
