import { StepFailure, type StepContext, type StepDefinition } from '../engine/types.js';
import type { DbSettings } from '../platform/db/types.js';

/** The database paths' first check: a fresh connection to the product's database, its server version logged. */
export function databaseConnectStep(options: {
  /** As in "Connect to Synapse's database". */
  product: string;
  /** Where, without secrets (host:port/database). */
  label: string;
  settings: DbSettings;
  /** What to check when it cannot connect. */
  fix: string;
  /** Registers the run's secrets before connecting (the password read while planning). */
  registerSecrets(ctx: StepContext): void;
}): StepDefinition {
  const { product, label, settings, fix } = options;
  return {
    id: 'connect-database',
    kind: 'check',
    title: `Connect to ${product}'s database`,
    describe: () => ({
      summary: `Opens a connection to ${label} as ${settings.user} and reads the server version.`,
    }),
    async run(ctx) {
      options.registerSecrets(ctx);
      const result = await ctx.env.db.test(settings);
      if (!result.ok)
        throw new StepFailure(
          `${product}'s database cannot be reached (${result.kind}): ${result.message}`,
          fix,
        );
      ctx.log(`Connected: ${result.serverVersion}`);
    },
  };
}
