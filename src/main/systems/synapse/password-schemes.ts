import type { PasswordScheme } from '../../engine/types.js';
import { isBcryptValue } from '../../platform/hashing/bcrypt-bytes.js';
import { hashSynapsePassword, verifySynapsePassword } from './hash.js';

export const synapsePasswordSchemes: Record<string, PasswordScheme> = {
  synapse: {
    options: {
      pepper: 'file holding password_config.pepper (one trailing newline is ignored)',
      rounds: 'bcrypt cost (default 12)',
    },
    hash: (password, options) => hashSynapsePassword(password, options),
    inspect: (stored) => ({ recognised: isBcryptValue(stored) }),
    verify: (password, stored, options) => verifySynapsePassword(password, stored, options),
  },
};
