/**
 * Matrix Authentication Service password hashes (crates/handlers/src/passwords.rs), per scheme:
 * argon2id (RustCrypto defaults m=19456, t=2, p=1, 32-byte output, 16-byte salt; the scheme's
 * secret is Argon2's secret input, not appended), bcrypt (`$2b$`, secret appended, cost default
 * 12, 72-byte cut), with NFKC first when `unicode_normalization` is on. pbkdf2 is verified only.
 */
import { randomBytes } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';
import {
  BCRYPT_MAX_KEY_BYTES,
  bcryptHashBytes,
  bcryptVerifyBytes,
} from '../../platform/hashing/bcrypt-bytes.js';
import {
  assertEncodableAsUtf8,
  assertNewPassword,
  hasLoneSurrogate,
} from '../../platform/hashing/password-rules.js';
import type { MasScheme } from './mas-config.js';

const ARGON2 = { iterations: 2, memorySize: 19_456, parallelism: 1, hashLength: 32 } as const;
const MAS_BCRYPT_DEFAULT_COST = 12;

function input(password: string, scheme: MasScheme): string {
  return scheme.unicodeNormalization ? password.normalize('NFKC') : password;
}

function bcryptKey(password: string, scheme: MasScheme): Buffer {
  return Buffer.concat([
    Buffer.from(input(password, scheme), 'utf8'),
    Buffer.from(scheme.secret ?? '', 'utf8'),
  ]).subarray(0, BCRYPT_MAX_KEY_BYTES);
}

export async function hashMasPassword(password: string, scheme: MasScheme): Promise<string> {
  assertNewPassword(password);
  assertEncodableAsUtf8(password);
  switch (scheme.algorithm) {
    case 'argon2id':
      return argon2id({
        password: input(password, scheme),
        salt: randomBytes(16),
        ...ARGON2,
        ...(scheme.secret ? { secret: scheme.secret } : {}),
        outputType: 'encoded',
      });
    case 'bcrypt':
      return bcryptHashBytes(bcryptKey(password, scheme), {
        cost: scheme.cost ?? MAS_BCRYPT_DEFAULT_COST,
        variant: '2b',
      });
    case 'pbkdf2':
      throw new RangeError(
        'Breakglass does not make MAS pbkdf2 hashes: make argon2id or bcrypt the highest scheme version.',
      );
  }
}

export async function verifyMasPassword(
  password: string,
  stored: string,
  scheme: MasScheme,
): Promise<boolean> {
  if (hasLoneSurrogate(password)) return false;
  if (scheme.algorithm === 'argon2id' && stored.startsWith('$argon2id$'))
    return argon2Verify({
      password: input(password, scheme),
      hash: stored,
      ...(scheme.secret ? { secret: scheme.secret } : {}),
    });
  if (scheme.algorithm === 'bcrypt') return bcryptVerifyBytes(bcryptKey(password, scheme), stored);
  return false;
}
