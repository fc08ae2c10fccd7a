import path from 'node:path';
import { InputError, type SystemModule } from '../../engine/types.js';
import { readSysReptorDeploy, SANDBOX_DEPLOY_DIR } from './deploy.js';
import { sysreptorDiscoveryReport } from './discovery.js';
import { sysreptorResetPassword } from './procedures/reset-password.js';
import { seedSysReptorSandbox } from './sandbox.js';
import { SANDBOX_API_HOST, sysreptorSandboxApi } from './sandbox-api.js';
import { simulatedDocker } from './sandbox-cli.js';
import { sysreptorPasswordSchemes } from './password-schemes.js';

/** SysReptor (self-hosted, docker compose): reset a user's password (seed 003). */
export const sysreptorSystem: SystemModule = {
  id: 'sysreptor',
  title: 'SysReptor',
  procedures: [sysreptorResetPassword],
  passwordSchemes: sysreptorPasswordSchemes,
  discoveryFolder: { option: 'deployDir', label: 'Deploy folder (holding app.env)' },
  async discover(options, env) {
    // `breakglass discover` names the folder --install-dir.
    const folder = options.deployDir ?? options.installDir;
    const given = typeof folder === 'string' && folder ? folder : undefined;
    const deployDir = given ?? (env.sandboxRoot ? path.join(env.sandboxRoot, SANDBOX_DEPLOY_DIR) : undefined);
    if (!deployDir)
      throw new InputError('deployDir', 'give the SysReptor deploy folder (the one holding app.env).');
    return sysreptorDiscoveryReport(await readSysReptorDeploy(path.resolve(deployDir)));
  },
  seedSandbox: seedSysReptorSandbox,
  sandboxHttp: { [SANDBOX_API_HOST]: sysreptorSandboxApi },
  sandboxPrograms: { docker: simulatedDocker },
};
