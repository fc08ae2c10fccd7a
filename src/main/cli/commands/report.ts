import path from 'node:path';
import { parseArgs } from 'node:util';
import { ReportFormat } from '../../../shared/procedure.js';
import { Engine } from '../../engine/engine.js';
import { InputError } from '../../engine/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { systems } from '../../systems/index.js';
import type { CommandContext } from '../command-context.js';
import { ExitCode } from '../io.js';

/** `breakglass report <run-id> --format md|html|json [--out file]`: also for a stopped run. */
export async function reportCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: 'string', default: 'md' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  const [runId, ...extra] = positionals;
  if (!runId || extra.length > 0)
    throw new InputError('run-id', 'give exactly one run id (see `breakglass runs`).');
  const format = ReportFormat.safeParse(values.format);
  if (!format.success)
    throw new InputError('--format', `"${values.format}" is not a format; use md, html or json.`);
  const report = new Engine(context.dataDir, systems).report(runId, format.data);
  if (values.out) {
    const outPath = path.resolve(context.io.cwd, values.out);
    await writeFileAtomic(outPath, report.content, { mode: 0o600 });
    context.io.stderr.write(`Wrote ${outPath}\n`);
  } else {
    context.io.stdout.write(report.content);
  }
  return ExitCode.ok;
}
