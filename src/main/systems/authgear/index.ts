import path from 'node:path';
import { InputError, type SystemModule } from '../../engine/types.js';
import { readAuthgearConfig, SANDBOX_CONFIG_DIR } from './config.js';
import { authgearDiscoveryReport } from './discovery.js';
import { authgearResetPassword } from './procedures/reset-password.js';
import { seedAuthgearSandbox } from './sandbox.js';
import { authgearSandboxAdminApi, SANDBOX_ADMIN_API_HOST } from './sandbox-admin-api.js';
import { authgearPasswordSchemes } from './password-schemes.js';

/** Authgear (self-hosted): reset a user's password (seed 002). */
export const authgearSystem: SystemModule = {
  id: 'authgear',
  title: 'Authgear',
  procedures: [authgearResetPassword],
  passwordSchemes: authgearPasswordSchemes,
  async discover(options, env) {
    // `breakglass discover` names the folder --install-dir.
    const folder = options.configDir ?? options.installDir;
    const given = typeof folder === 'string' && folder ? folder : undefined;
    const configDir = given ?? (env.sandboxRoot ? path.join(env.sandboxRoot, SANDBOX_CONFIG_DIR) : undefined);
    if (!configDir)
      throw new InputError('configDir', 'give the folder holding authgear.yaml and authgear.secrets.yaml.');
    return authgearDiscoveryReport(await readAuthgearConfig(path.resolve(configDir)));
  },
  seedSandbox: seedAuthgearSandbox,
  sandboxHttp: { [SANDBOX_ADMIN_API_HOST]: authgearSandboxAdminApi },
};
