import fs from 'node:fs/promises';
import path from 'node:path';
import type { SystemModule } from '../../engine/types.js';
import { buildOutSystemsDiscoveryReport } from './discovery-report.js';
import { discoverOutSystems } from './discovery.js';
import { adWorkaround } from './procedures/ad-workaround.js';
import { resetAdminPassword } from './procedures/reset-admin-password.js';
import { diagnoseDbLogins } from './procedures/diagnose-db-logins.js';
import { reconfigureFrontEnd } from './procedures/reconfigure-front-end.js';
import { rotateDbPasswords } from './procedures/rotate-db-passwords.js';
import { DEFAULT_INSTALL_DIR, readInstallFromRegistry } from './registry.js';
import { seedOutSystemsSandbox } from './sandbox.js';
import { outsystemsSandboxPrograms } from './sandbox-programs.js';
import { outsystemsPasswordSchemes } from './password-schemes.js';

/** OutSystems 11 self-managed: admin password reset (seed 000); seed 001's database password rotation and its Active Directory workaround. */
export const outsystemsSystem: SystemModule = {
  id: 'outsystems',
  title: 'OutSystems 11',
  procedures: [resetAdminPassword, adWorkaround, rotateDbPasswords, diagnoseDbLogins, reconfigureFrontEnd],
  passwordSchemes: outsystemsPasswordSchemes,
  discoveryFolder: { option: 'installDir', label: 'Platform Server folder' },
  async discover(options, env) {
    const installDir =
      typeof options.installDir === 'string' && options.installDir ? options.installDir : undefined;
    return buildOutSystemsDiscoveryReport(await discoverOutSystems({ installDir }, env));
  },
  async detectRealInstall(env) {
    if (process.platform !== 'win32') return false;
    const installDir = (await readInstallFromRegistry(env.exec)).installDir ?? DEFAULT_INSTALL_DIR;
    try {
      await fs.access(path.join(installDir, 'server.hsconf'));
      return true;
    } catch {
      return false;
    }
  },
  seedSandbox: seedOutSystemsSandbox,
  sandboxPrograms: outsystemsSandboxPrograms,
};
