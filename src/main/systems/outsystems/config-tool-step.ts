/**
 * A Configuration Tool "Apply and Exit" as a step: run by Breakglass through the documented
 * switches, or guided for the admin to click in the tool's window and confirm.
 */
import path from 'node:path';
import { StepFailure, type Environment, type StepDefinition } from '../../engine/types.js';
import { ConfigToolError, ConfigurationToolRun, type ConfigToolSwitch } from './config-tool.js';
import { SANDBOX_CONFIG_TOOL_LOG } from './sandbox.js';

export type ConfigToolMode = 'run' | 'guide';

export interface ConfigToolStepOptions {
  id: string;
  title: string;
  mode: ConfigToolMode;
  switches: ConfigToolSwitch[];
  /** What the admin does in the tool's window when guided. */
  instructions: string[];
  installDir: string;
  env: Environment;
  /** Values the tool's output or log may carry (database passwords). */
  secrets: () => string[];
}

export function configToolStep(options: ConfigToolStepOptions): StepDefinition {
  const invocation = (installDir: string) =>
    new ConfigurationToolRun({
      installDir,
      switches: options.switches,
      secrets: options.secrets(),
      ...(options.env.kind === 'sandbox' && options.env.sandboxRoot ? { logPath: path.join(options.env.sandboxRoot, SANDBOX_CONFIG_TOOL_LOG) } : {}),
    });
  if (options.mode === 'guide') {
    return {
      id: options.id,
      kind: 'manual',
      title: options.title,
      describe: () => ({
        summary: `In the Configuration Tool on the deployment controller: ${options.instructions[0] ?? options.title}`,
        instructions: options.instructions,
        outage: true,
      }),
      async run(ctx) {
        ctx.log('Confirmed by the admin.');
      },
    };
  }
  const described = invocation(options.installDir).describe();
  return {
    id: options.id,
    kind: 'change',
    title: options.title,
    describe: () => ({ ...described, outage: true, details: [...(described.details ?? []), 'The Configuration Tool restarts the OutSystems services: users are logged out until they are back.'] }),
    async run(ctx) {
      for (const secret of options.secrets()) ctx.addSecret(secret);
      const run = invocation(options.installDir);
      try {
        const outcome = await run.run(ctx.env.exec);
        for (const line of outcome.stdout.split(/\r?\n/).filter(Boolean).slice(-10)) ctx.log(line);
        for (const warning of outcome.warnings) ctx.log(`Warning: ${warning}`);
      } catch (error) {
        if (error instanceof ConfigToolError) throw new StepFailure(error.message, 'Open the Configuration Tool, fix what its log names, then retry this step or do it by hand and continue.');
        throw error;
      }
    },
  };
}
