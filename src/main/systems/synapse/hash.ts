/**
 * Matrix Synapse password hashes (users.password_hash), made and checked offline:
 * bcrypt `$2b$` over UTF-8(NFKC(password)) + UTF-8(pepper), cut to its first 72 bytes, with the
 * homeserver's `bcrypt_rounds` (default 12). See ../shared/reference/synapse.md.
 */
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

export const SYNAPSE_DEFAULT_ROUNDS = 12;

export interface SynapseHashOptions {
  /** `password_config.pepper` from homeserver.yaml; empty when not set. */
  pepper?: string;
  /** `bcrypt_rounds` from homeserver.yaml. */
  rounds?: number;
  /** 16 bytes; random when absent (tests pass one to compare with independent vectors). */
  salt?: Uint8Array;
}

/** The bytes Synapse feeds to bcrypt; the cut at 72 bytes may split a multi-byte character, as Synapse's does. */
export function synapseBcryptKey(password: string, pepper = ''): Buffer {
  const bytes = Buffer.concat([Buffer.from(password.normalize('NFKC'), 'utf8'), Buffer.from(pepper, 'utf8')]);
  return bytes.subarray(0, BCRYPT_MAX_KEY_BYTES);
}

export async function hashSynapsePassword(
  password: string,
  options: SynapseHashOptions = {},
): Promise<string> {
  assertNewPassword(password);
  assertEncodableAsUtf8(password);
  return bcryptHashBytes(synapseBcryptKey(password, options.pepper), {
    cost: options.rounds ?? SYNAPSE_DEFAULT_ROUNDS,
    variant: '2b',
    salt: options.salt,
  });
}

export async function verifySynapsePassword(
  password: string,
  stored: string,
  options: { pepper?: string } = {},
): Promise<boolean> {
  if (hasLoneSurrogate(password)) return false;
  return bcryptVerifyBytes(synapseBcryptKey(password, options.pepper), stored);
}
