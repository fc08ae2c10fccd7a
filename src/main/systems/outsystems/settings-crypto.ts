/**
 * The platform's `$2$` setting encryption: `$2$` + Base64(16-byte IV) + Base64(AES-CBC/PKCS7 of the
 * UTF-8 plaintext), keyed by private.key as is (AES-128/192/256 by key length).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const V2_PREFIX = '$2$';
const IV_BYTES = 16;
const IV_BASE64_LENGTH = 24;

/** How a server.hsconf value is stored, from its `encrypted` attribute and its prefix. */
export type StoredValueKind = 'plaintext' | 'private-key' | 'builtin-key-aes' | 'builtin-key-legacy';

export class SettingsCryptoError extends Error {
  constructor(
    readonly reason: 'wrong-key' | 'malformed' | 'builtin-key',
    message: string,
  ) {
    super(message);
    this.name = 'SettingsCryptoError';
  }
}

export function storedValueKind(value: string, encrypted: boolean): StoredValueKind {
  if (!encrypted) return 'plaintext';
  if (value.startsWith(V2_PREFIX)) return 'private-key';
  if (value.startsWith('$1$')) return 'builtin-key-aes';
  return 'builtin-key-legacy';
}

/** Encrypts `plaintext` as `$2$…`. `iv` is for tests only (deterministic vectors); leave it out otherwise. */
export function encryptSetting(plaintext: string, key: Buffer, iv: Buffer = randomBytes(IV_BYTES)): string {
  if (iv.length !== IV_BYTES) throw new Error(`The IV must be ${IV_BYTES} bytes`);
  const cipher = createCipheriv(aesAlgorithm(key), key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${V2_PREFIX}${iv.toString('base64')}${ciphertext.toString('base64')}`;
}

/**
 * Decrypts a `$2$` value. A wrong key is detected (bad padding or non-UTF-8 plaintext) and
 * reported as such, rather than silently yielding garbage as the platform itself does.
 * `$1$` and unprefixed values use the platform's built-in key and are refused.
 */
export function decryptSetting(value: string, key: Buffer, field = 'value'): string {
  if (!value.startsWith(V2_PREFIX)) {
    throw new SettingsCryptoError(
      'builtin-key',
      `${field} was encrypted with the platform's built-in key (an older format), not with private.key; Breakglass does not decrypt it. Enter the current value instead.`,
    );
  }
  const body = value.slice(V2_PREFIX.length);
  const iv = Buffer.from(body.slice(0, IV_BASE64_LENGTH), 'base64');
  const ciphertext = Buffer.from(body.slice(IV_BASE64_LENGTH), 'base64');
  const base64 = /^[A-Za-z0-9+/]*={0,2}$/;
  if (
    iv.length !== IV_BYTES ||
    !base64.test(body.slice(0, IV_BASE64_LENGTH)) ||
    !base64.test(body.slice(IV_BASE64_LENGTH)) ||
    ciphertext.length === 0 ||
    ciphertext.length % 16 !== 0
  ) {
    throw new SettingsCryptoError(
      'malformed',
      `${field} starts with $2$ but is not a complete encrypted value (damaged or cut off). Enter the current value and let Breakglass write it again.`,
    );
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(aesAlgorithm(key), key, iv);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw wrongKey(field);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    // Padding can come out valid by chance (about 1 in 256) with a wrong key; the UTF-8 check catches most of those.
    throw wrongKey(field);
  }
}

function wrongKey(field: string): SettingsCryptoError {
  return new SettingsCryptoError(
    'wrong-key',
    `${field} was not encrypted with this private.key — a front-end with a different private.key than the controller? Copy private.key from the deployment controller, or enter the current value.`,
  );
}

function aesAlgorithm(key: Buffer): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new Error(`An AES key is 16, 24 or 32 bytes, not ${key.length}`);
  }
  return `aes-${key.length * 8}-cbc`;
}
