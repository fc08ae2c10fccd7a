import type { PasswordScheme } from '../../engine/types.js';
import { detectOutSystemsHashFormat, hashOutSystemsPassword, verifyOutSystemsPassword } from './hash.js';

export const outsystemsPasswordSchemes: Record<string, PasswordScheme> = {
  outsystems: {
    options: {},
    hash: async (password) => hashOutSystemsPassword(password),
    inspect: (stored) => {
      const format = detectOutSystemsHashFormat(stored);
      if (format === 'legacy-md5')
        return {
          recognised: true,
          note: 'legacy OutSystems MD5 value (new values are always written as $1$)',
        };
      return { recognised: format === 'v1' };
    },
    verify: async (password, stored) => verifyOutSystemsPassword(password, stored),
  },
};
