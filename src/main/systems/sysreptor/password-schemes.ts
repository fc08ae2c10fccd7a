import type { PasswordScheme } from '../../engine/types.js';
import { detectSysReptorHashFormat, hashSysReptorPassword, verifySysReptorPassword } from './hash.js';

/** SysReptor stores Django hashes: Argon2 first (its PASSWORD_HASHERS), PBKDF2 from older installs. */
export const sysreptorPasswordSchemes: Record<string, PasswordScheme> = {
  'django-pbkdf2': {
    options: { rounds: 'iterations (default 1200000, Django 6.0)' },
    hash: (password, options) =>
      hashSysReptorPassword(password, { algorithm: 'pbkdf2_sha256', iterations: options.rounds }),
    inspect: (stored) => ({ recognised: detectSysReptorHashFormat(stored) === 'pbkdf2_sha256' }),
    verify: (password, stored) => verifySysReptorPassword(password, stored),
  },
  'django-argon2': {
    options: {},
    hash: (password) => hashSysReptorPassword(password, { algorithm: 'argon2' }),
    inspect: (stored) => ({ recognised: detectSysReptorHashFormat(stored) === 'argon2' }),
    verify: (password, stored) => verifySysReptorPassword(password, stored),
  },
};
