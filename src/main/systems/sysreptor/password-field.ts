/**
 * The `users_pentestuser.password` column as SysReptor's EncryptedField reads and writes it: the
 * Django hash as plain UTF-8 bytes, or inside the AES-GCM envelope. The database path writes the
 * new hash in the form the current value has, encrypting with the default key from app.env.
 */
import { defaultEncryptionKey, type SysReptorDeploy } from './deploy.js';
import {
  decryptValue,
  encryptValue,
  isEnvelope,
  readEnvelopeHeader,
  type EncryptionKey,
} from './encryption.js';

export type StoredForm = { kind: 'plain' } | { kind: 'encrypted'; keyId: string };

export interface DecodedPassword {
  /** The Django hash text. */
  hash: string;
  form: StoredForm;
}

export function decodeStoredPassword(stored: Buffer, keys: readonly EncryptionKey[]): DecodedPassword {
  if (!isEnvelope(stored)) return { hash: stored.toString('utf8'), form: { kind: 'plain' } };
  const { keyId } = readEnvelopeHeader(stored).header;
  return { hash: decryptValue(stored, keys).toString('utf8'), form: { kind: 'encrypted', keyId } };
}

/** How the new value will be written, or why it cannot be written safely. */
export type WritePlan =
  | { ok: true; form: 'plain' }
  | { ok: true; form: 'encrypted'; key: EncryptionKey }
  | { ok: false; reason: string };

export function planWrite(current: StoredForm, deploy: SysReptorDeploy): WritePlan {
  if (current.kind === 'plain') {
    if (!deploy.encryption.plaintextFallback)
      return {
        ok: false,
        reason:
          'The current value is stored in plain text but app.env sets ENCRYPTION_PLAINTEXT_FALLBACK=false, so SysReptor would refuse a plain value; fix app.env or use the API path.',
      };
    return { ok: true, form: 'plain' };
  }
  const { key, reason } = defaultEncryptionKey(deploy);
  if (!key)
    return {
      ok: false,
      reason: `The current value is encrypted (key "${current.keyId}"), but ${reason ?? 'no default key is available'}, so the new hash cannot be encrypted the way SysReptor would: a plain value could break the login. Add the key to app.env (ENCRYPTION_KEYS and DEFAULT_ENCRYPTION_KEY_ID, as the running app has them) or use the API path.`,
    };
  return { ok: true, form: 'encrypted', key };
}

export function encodeStoredPassword(hash: string, plan: Extract<WritePlan, { ok: true }>): Buffer {
  const plain = Buffer.from(hash, 'utf8');
  return plan.form === 'plain' ? plain : encryptValue(plain, plan.key);
}

export function describeForm(form: StoredForm): string {
  return form.kind === 'plain' ? 'plain Django hash' : `AES-GCM envelope (key "${form.keyId}")`;
}
