/**
 * A Configuration Tool "Apply and Exit" as a step: run by Breakglass through the documented
 * switches, or guided for the admin to click in the tool's window and confirm. After a run, the
 * tool's log is scrubbed of every password server.hsconf holds (Platform Server before 11.16 logs
 * them in plain text, and the version is not always known).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { StepFailure, type Environment, type StepContext, type StepDefinition } from '../../engine/types.js';
import {
  CONFIG_TOOL_PROGRAM,
  ConfigToolError,
  ConfigurationToolRun,
  scrubConfigToolLog,
  type ConfigToolSwitch,
} from './config-tool.js';
import { SANDBOX_CONFIG_TOOL_LOG } from './sandbox.js';

export type ConfigToolMode = 'run' | 'guide';

export interface ConfigToolStepOptions {
  id: string;
  title: string;
  mode: ConfigToolMode;
  switches: ConfigToolSwitch[];
  /** What the admin does in the tool's window when guided. */
  instructions: string[];
  /** The Platform Server folder; needed when the mode is `run`. */
  installDir?: string;
  env: Environment;
  /** Every password the tool's output or log may carry (all of server.hsconf's). */
  secrets: string[];
}

export function configToolStep(options: ConfigToolStepOptions): StepDefinition {
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
      async run() {
        // Clicked in the tool's window: the admin's word (the engine records it as not checked).
      },
    };
  }
  if (!options.installDir)
    throw new Error(
      `configToolStep ${options.id}: running the Configuration Tool needs the Platform Server folder`,
    );
  const invocation = new ConfigurationToolRun({
    installDir: options.installDir,
    switches: options.switches,
    secrets: options.secrets,
    ...(options.env.kind === 'sandbox' && options.env.sandboxRoot
      ? { logPath: path.join(options.env.sandboxRoot, SANDBOX_CONFIG_TOOL_LOG) }
      : {}),
  });
  const described = invocation.describe();
  return {
    id: options.id,
    kind: 'change',
    title: options.title,
    describe: () => ({
      ...described,
      outage: true,
      details: [
        ...(described.details ?? []),
        'The Configuration Tool restarts the OutSystems services: users are logged out until they are back.',
        `Afterwards Breakglass removes from ${invocation.logPath} every password server.hsconf holds (Platform Server before 11.16 writes them there in plain text).`,
      ],
    }),
    async run(ctx) {
      for (const secret of options.secrets) ctx.addSecret(secret);
      try {
        const outcome = await invocation.run(ctx.env.exec);
        for (const line of outcome.stdout.split(/\r?\n/).filter(Boolean).slice(-10)) ctx.log(line);
        for (const warning of outcome.warnings) ctx.log(`Warning: ${warning}`);
      } catch (error) {
        if (error instanceof ConfigToolError)
          throw new StepFailure(
            error.message,
            'Open the Configuration Tool, fix what its log names, then retry this step or do it by hand and continue.',
          );
        throw error;
      } finally {
        await scrubLog(ctx, invocation.logPath, options.secrets);
      }
    },
  };
}

async function scrubLog(ctx: StepContext, logPath: string, secrets: string[]): Promise<void> {
  try {
    const removed = await scrubConfigToolLog(logPath, secrets);
    if (removed > 0) ctx.log(`Removed ${removed} password occurrence(s) from ${logPath}.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    ctx.log(
      `Warning: ${logPath} could not be checked for passwords (${(error as NodeJS.ErrnoException).code ?? 'error'}); delete it or scrub it by hand if it holds any.`,
    );
  }
}

/** Preflight: the tool is where the plan says, before anything changes. */
export function configToolPresentStep(installDir: string): StepDefinition {
  const program = path.join(installDir, CONFIG_TOOL_PROGRAM);
  return {
    id: 'configuration-tool-present',
    kind: 'check',
    title: 'The Configuration Tool is there',
    describe: () => ({ summary: `Checks that ${program} exists before anything changes.` }),
    async run(ctx) {
      try {
        await fs.access(program);
      } catch {
        throw new StepFailure(
          `${program} was not found.`,
          'Give the Platform Server folder of the deployment controller, or choose to click Apply and Exit yourself.',
        );
      }
      ctx.log(`Found ${program}.`);
    },
  };
}
