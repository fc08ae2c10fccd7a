import type { SystemModule } from '../../engine/types.js';
import { authgearResetPassword } from './procedures/reset-password.js';
import { seedAuthgearSandbox } from './sandbox.js';
import { authgearSandboxAdminApi, SANDBOX_ADMIN_API_HOST } from './sandbox-admin-api.js';

/** Authgear (self-hosted): reset a user's password (seed 002). */
export const authgearSystem: SystemModule = {
  id: 'authgear',
  title: 'Authgear',
  procedures: [authgearResetPassword],
  seedSandbox: seedAuthgearSandbox,
  sandboxHttp: { [SANDBOX_ADMIN_API_HOST]: authgearSandboxAdminApi },
};
