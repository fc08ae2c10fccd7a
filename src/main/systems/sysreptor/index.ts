import path from 'node:path';
import { InputError, type SystemModule } from '../../engine/types.js';
import { readSysReptorDeploy, SANDBOX_DEPLOY_DIR } from './deploy.js';
import { sysreptorDiscoveryReport } from './discovery.js';
import { sysreptorResetPassword } from './procedures/reset-password.js';
import { seedSysReptorSandbox } from './sandbox.js';

/** SysReptor (self-hosted, docker compose): reset a user's password (seed 003). */
export const sysreptorSystem: SystemModule = {
  id: 'sysreptor',
  title: 'SysReptor',
  procedures: [sysreptorResetPassword],
  discoveryFolder: { option: 'deployDir', label: 'Deploy folder (holding app.env)' },
  async discover(options, env) {
    const given = typeof options.deployDir === 'string' && options.deployDir ? options.deployDir : undefined;
    const deployDir = given ?? (env.sandboxRoot ? path.join(env.sandboxRoot, SANDBOX_DEPLOY_DIR) : undefined);
    if (!deployDir)
      throw new InputError('deployDir', 'give the SysReptor deploy folder (the one holding app.env).');
    return sysreptorDiscoveryReport(await readSysReptorDeploy(path.resolve(deployDir)));
  },
  seedSandbox: seedSysReptorSandbox,
};
