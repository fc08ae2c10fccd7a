/**
 * SysReptor's encryption at rest (api/src/sysreptor/utils/crypto/base.py), for the users'
 * `password` column: MAGIC `C2 59 50 54` + Python `json.dumps({"cipher", "nonce", "key_id"})` +
 * `00` + AES-GCM ciphertext + 16-byte tag, the header (magic through the NUL) being the AAD and
 * the nonce 16 random bytes (pycryptodome's GCM default). Values without the magic are plain bytes.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

export const ENVELOPE_MAGIC = Buffer.from([0xc2, 0x59, 0x50, 0x54]);
const TAG_BYTES = 16;
const NONCE_BYTES = 16;
const AES_KEY_BYTES = new Set([16, 24, 32]);

export interface EncryptionKey {
  id: string;
  key: Buffer;
  revoked: boolean;
}

/** Refused ENCRYPTION_KEYS / DEFAULT_ENCRYPTION_KEY_ID, or a value that cannot be decrypted; never quotes key material. */
export class SysReptorCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SysReptorCryptoError';
  }
}

const keyEntry = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  cipher: z.literal('AES-GCM'),
  revoked: z.boolean().default(false),
});

/** ENCRYPTION_KEYS as SysReptor reads it (`EncryptionKey.from_json_list`): empty means no keys. */
export function parseEncryptionKeys(json: string | undefined): EncryptionKey[] {
  if (json === undefined || json.trim() === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new SysReptorCryptoError(
      'ENCRYPTION_KEYS is not valid JSON (expected a list of {"id", "key", "cipher", "revoked"}).',
    );
  }
  const parsed = z.array(keyEntry).safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') : '';
    throw new SysReptorCryptoError(
      `ENCRYPTION_KEYS entry ${where || '(list)'} is not valid: each entry needs "id", "key" (base64), "cipher": "AES-GCM" and optionally "revoked".`,
    );
  }
  return parsed.data.map((entry, index) => {
    const key = Buffer.from(entry.key, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(entry.key) || !AES_KEY_BYTES.has(key.length))
      throw new SysReptorCryptoError(
        `ENCRYPTION_KEYS entry ${index} ("${entry.id}"): "key" must be a base64 AES key of 16, 24 or 32 bytes.`,
      );
    return { id: entry.id, key, revoked: entry.revoked };
  });
}

export function isEnvelope(value: Buffer): boolean {
  return value.subarray(0, ENVELOPE_MAGIC.length).equals(ENVELOPE_MAGIC);
}

/** Python's json.dumps of a string with its defaults (ensure_ascii: everything outside space..~ escaped as \uXXXX). */
function pythonJsonString(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function algorithm(key: Buffer): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  return `aes-${key.length * 8}-gcm` as 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm';
}

/** Encrypts as SysReptor's EncryptionStream does; `nonce` only for reproducible tests. */
export function encryptValue(
  plain: Buffer,
  key: EncryptionKey,
  nonce: Buffer = randomBytes(NONCE_BYTES),
): Buffer {
  if (key.revoked)
    throw new SysReptorCryptoError(
      `Encryption key "${key.id}" is revoked; SysReptor cannot encrypt with it.`,
    );
  const header = Buffer.concat([
    ENVELOPE_MAGIC,
    Buffer.from(
      `{"cipher": "AES-GCM", "nonce": ${pythonJsonString(nonce.toString('base64'))}, "key_id": ${pythonJsonString(key.id)}}`,
      'utf8',
    ),
    Buffer.from([0]),
  ]);
  const cipher = createCipheriv(algorithm(key.key), key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  return Buffer.concat([header, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

export interface EnvelopeHeader {
  keyId: string;
  nonce: Buffer;
}

export function readEnvelopeHeader(value: Buffer): { header: EnvelopeHeader; headerBytes: Buffer } {
  const end = value.indexOf(0, ENVELOPE_MAGIC.length);
  if (!isEnvelope(value) || end < 0)
    throw new SysReptorCryptoError('The stored value is not a SysReptor encrypted value.');
  let json: unknown;
  try {
    json = JSON.parse(value.subarray(ENVELOPE_MAGIC.length, end).toString('utf8'));
  } catch {
    throw new SysReptorCryptoError('The encrypted value has an unreadable header.');
  }
  const parsed = z
    .object({ cipher: z.literal('AES-GCM'), nonce: z.string(), key_id: z.string() })
    .safeParse(json);
  if (!parsed.success)
    throw new SysReptorCryptoError('The encrypted value has a header SysReptor would not accept.');
  return {
    header: { keyId: parsed.data.key_id, nonce: Buffer.from(parsed.data.nonce, 'base64') },
    headerBytes: value.subarray(0, end + 1),
  };
}

/** Decrypts with the key its header names (any non-revoked key of the list), as SysReptor's DecryptionStream does. */
export function decryptValue(value: Buffer, keys: readonly EncryptionKey[]): Buffer {
  const { header, headerBytes } = readEnvelopeHeader(value);
  const key = keys.find((candidate) => candidate.id === header.keyId);
  if (!key)
    throw new SysReptorCryptoError(
      `The value is encrypted with key "${header.keyId}", which ENCRYPTION_KEYS does not hold.`,
    );
  if (key.revoked)
    throw new SysReptorCryptoError(`The value is encrypted with key "${key.id}", which is revoked.`);
  const body = value.subarray(headerBytes.length);
  if (body.length < TAG_BYTES) throw new SysReptorCryptoError('The encrypted value is truncated.');
  const decipher = createDecipheriv(algorithm(key.key), key.key, header.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(headerBytes);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SysReptorCryptoError(
      `The value does not decrypt with key "${key.id}" (wrong key or altered data).`,
    );
  }
}
