/**
 * Authgear password hashes (_auth_authenticator_password.password_hash), made and checked offline:
 * `$bcrypt-sha512$` + bcrypt (cost 10, `$2a$`) over the 64 raw bytes of SHA-512(UTF-8 password).
 * Those bytes may hold 0x00 and bytes >= 0x80, so the bcrypt used takes bytes (see
 * platform/hashing/bcrypt-bytes.ts). The verifier also accepts plain bcrypt, as Authgear's does.
 * See ../shared/reference/authgear.md.
 */
import { createHash } from 'node:crypto';
import { bcryptHashBytes, bcryptVerifyBytes, isBcryptValue } from '../../platform/hashing/bcrypt-bytes.js';
import {
  PasswordInputError,
  assertEncodableAsUtf8,
  assertNewPassword,
} from '../../platform/hashing/password-rules.js';

const PREFIX = '$bcrypt-sha512$';
/** Authgear's MaxLength: longer new passwords are refused by the server. */
export const AUTHGEAR_MAX_PASSWORD_BYTES = 8192;
const AUTHGEAR_COST = 10;

export type AuthgearHashFormat = 'bcrypt-sha512' | 'bcrypt' | 'unknown';

function sha512Bytes(password: string): Buffer {
  return createHash('sha512').update(Buffer.from(password, 'utf8')).digest();
}

export async function hashAuthgearPassword(
  password: string,
  options: { salt?: Uint8Array } = {},
): Promise<string> {
  assertNewPassword(password);
  assertEncodableAsUtf8(password);
  if (Buffer.byteLength(password, 'utf8') > AUTHGEAR_MAX_PASSWORD_BYTES) {
    throw new PasswordInputError(
      'password',
      `The password is longer than Authgear's limit of ${AUTHGEAR_MAX_PASSWORD_BYTES} bytes (UTF-8). Choose a shorter one.`,
    );
  }
  return (
    PREFIX +
    (await bcryptHashBytes(sha512Bytes(password), { cost: AUTHGEAR_COST, variant: '2a', salt: options.salt }))
  );
}

export function detectAuthgearHashFormat(stored: string): AuthgearHashFormat {
  if (stored.startsWith(PREFIX) && isBcryptValue(stored.slice(PREFIX.length))) return 'bcrypt-sha512';
  if (isBcryptValue(stored)) return 'bcrypt';
  return 'unknown';
}

export async function verifyAuthgearPassword(password: string, stored: string): Promise<boolean> {
  switch (detectAuthgearHashFormat(stored)) {
    case 'bcrypt-sha512':
      return bcryptVerifyBytes(sha512Bytes(password), stored.slice(PREFIX.length));
    case 'bcrypt':
      return bcryptVerifyBytes(Buffer.from(password, 'utf8'), stored);
    default:
      return false;
  }
}
