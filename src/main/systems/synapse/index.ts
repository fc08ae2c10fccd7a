import type { SystemModule } from '../../engine/types.js';
import { synapseDiscoveryReport } from './discovery.js';
import { synapseResetPassword } from './procedures/reset-password.js';
import { synapseSandboxHttp } from './sandbox-api.js';
import { simulatedMas } from './sandbox-mas-api.js';
import { simulatedAnsiblePlaybook } from './sandbox-playbook.js';
import {
  MAS_SANDBOX_HOST,
  seedSynapseSandbox,
  SYNAPSE_MAS_SANDBOX_HOST,
  SYNAPSE_SANDBOX_HOST,
} from './sandbox.js';
import { synapsePasswordSchemes } from './password-schemes.js';

/** Matrix Synapse (incl. matrix-docker-ansible-deploy): reset a user's password (seed 004). */
export const synapseSystem: SystemModule = {
  id: 'synapse',
  title: 'Matrix Synapse',
  procedures: [synapseResetPassword],
  passwordSchemes: synapsePasswordSchemes,
  discover: synapseDiscoveryReport,
  seedSandbox: seedSynapseSandbox,
  sandboxPrograms: { 'ansible-playbook': simulatedAnsiblePlaybook },
  sandboxHttp: {
    [SYNAPSE_SANDBOX_HOST]: synapseSandboxHttp.plain,
    [SYNAPSE_MAS_SANDBOX_HOST]: synapseSandboxHttp.mas,
    [MAS_SANDBOX_HOST]: simulatedMas,
  },
};
