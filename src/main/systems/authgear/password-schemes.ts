import type { PasswordScheme } from '../../engine/types.js';
import { detectAuthgearHashFormat, hashAuthgearPassword, verifyAuthgearPassword } from './hash.js';

export const authgearPasswordSchemes: Record<string, PasswordScheme> = {
  authgear: {
    options: {},
    hash: (password) => hashAuthgearPassword(password),
    inspect: (stored) => {
      const format = detectAuthgearHashFormat(stored);
      if (format === 'bcrypt')
        return {
          recognised: true,
          note: 'plain bcrypt value (Authgear upgrades it to $bcrypt-sha512$ at the next login)',
        };
      return { recognised: format === 'bcrypt-sha512' };
    },
    verify: (password, stored) => verifyAuthgearPassword(password, stored),
  },
};
