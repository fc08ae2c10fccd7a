/**
 * OutSystems 11 platform password hashes (OSSYS_USER.PASSWORD), made and checked offline.
 * `$1$` + salt text + SHA-512 (upper-case hex) over UTF-16LE(password + salt text); see
 * ../shared/reference/outsystems.md. Legacy values (32 upper-case hex, MD5) are recognised and
 * verifiable but never written.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { assertNewPassword, replaceLoneSurrogates } from '../../platform/hashing/password-rules.js';

const PREFIX = '$1$';
const SALT_BYTES = 32;
const HASH_HEX_CHARS = 128;
const LEGACY_MD5_CONSTANT = 'cdjnes3h4w';
/** The platform compares case-sensitively and refuses padding: only exactly this shape verifies. */
const V1_VALUE = /^\$1\$[^\s]+[0-9A-F]{128}$/;
const LEGACY_VALUE = /^[0-9A-F]{32}$/;

export type OutSystemsHashFormat = 'v1' | 'legacy-md5' | 'unknown';

/** .NET's encoder turns lone surrogates into U+FFFD; JavaScript's would keep them. */
function utf16le(text: string): Buffer {
  return Buffer.from(replaceLoneSurrogates(text), 'utf16le');
}

function sha512HexUpper(password: string, saltText: string): string {
  return createHash('sha512')
    .update(utf16le(password + saltText))
    .digest('hex')
    .toUpperCase();
}

/** A new `$1$` value (175 characters). `salt` is the 32 random bytes whose Base64 text salts the hash. */
export function hashOutSystemsPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  assertNewPassword(password);
  if (salt.length !== SALT_BYTES)
    throw new RangeError(`An OutSystems salt is ${SALT_BYTES} bytes (got ${salt.length}).`);
  const saltText = salt.toString('base64');
  return `${PREFIX}${saltText}${sha512HexUpper(password, saltText)}`;
}

export function detectOutSystemsHashFormat(stored: string): OutSystemsHashFormat {
  if (V1_VALUE.test(stored)) return 'v1';
  if (LEGACY_VALUE.test(stored)) return 'legacy-md5';
  return 'unknown';
}

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A legacy MD5 value: never written to a real platform; the practice sandbox seeds one so a trainee sees it reported. */
export function legacyOutSystemsHash(password: string): string {
  return createHash('md5')
    .update(utf16le(password + LEGACY_MD5_CONSTANT))
    .digest('hex')
    .toUpperCase();
}

/** True when `password` matches a `$1$` or legacy MD5 value; false for any other or malformed value. */
export function verifyOutSystemsPassword(password: string, stored: string): boolean {
  switch (detectOutSystemsHashFormat(stored)) {
    case 'v1': {
      const saltText = stored.slice(PREFIX.length, stored.length - HASH_HEX_CHARS);
      return equalText(sha512HexUpper(password, saltText), stored.slice(-HASH_HEX_CHARS));
    }
    case 'legacy-md5':
      return equalText(legacyOutSystemsHash(password), stored);
    default:
      return false;
  }
}
