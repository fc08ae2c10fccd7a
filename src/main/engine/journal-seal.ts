import path from 'node:path';
import { loadOrCreateSigningKeySync, signatureValid, signBytes } from '../platform/secrets/signing-key.js';

/**
 * Signs each journal entry's hash with this installation's Ed25519 key, kept in
 * `<dataDir>/keys/journal-signing.key` (0600), outside every run folder. The chain alone can be
 * recomputed by anyone who can edit the file; the signature cannot be made without the key.
 */
export interface JournalSeal {
  /** `SHA256:<base64>` of the public key: what reports print and an auditor compares. */
  readonly fingerprint: string;
  sign(entryHash: string): string;
  verifies(entryHash: string, signature: unknown): boolean;
}

export const JOURNAL_KEY_FILE = path.join('keys', 'journal-signing.key');

export function installJournalSeal(dataDir: string): JournalSeal {
  const key = loadOrCreateSigningKeySync(path.join(dataDir, JOURNAL_KEY_FILE));
  return {
    fingerprint: key.fingerprint,
    sign: (entryHash) => signBytes(key, Buffer.from(entryHash, 'utf8')).toString('base64'),
    verifies: (entryHash, signature) =>
      typeof signature === 'string' &&
      signatureValid(key.publicKey, Buffer.from(entryHash, 'utf8'), Buffer.from(signature, 'base64')),
  };
}
