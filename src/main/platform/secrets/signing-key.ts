import {
  randomBytes,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  createPrivateKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * An Ed25519 signing key kept in one 0600 file (PKCS#8 PEM), created on first use. Its public half
 * is named by a fingerprint, `SHA256:<base64 of the SHA-256 of the SubjectPublicKeyInfo DER>` (the
 * form ssh-keygen prints), which an admin compares or copies across an air gap.
 */
export interface SigningKey {
  privateKey: KeyObject;
  /** SubjectPublicKeyInfo, DER. */
  publicKey: Buffer;
  fingerprint: string;
}

export async function loadOrCreateSigningKey(file: string): Promise<SigningKey> {
  return Promise.resolve(loadOrCreateSigningKeySync(file));
}

/**
 * Synchronous form, for callers that read journals synchronously. A new key is written to a temp
 * file and hard-linked into place, so two processes creating it at once end up with the same key.
 */
export function loadOrCreateSigningKeySync(file: string): SigningKey {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    pem = createKeyFile(file);
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey, fingerprint: signerFingerprint(publicKey) };
}

function createKeyFile(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, pem);
    fs.fchmodSync(fd, 0o600);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return pem;
}

export function signerFingerprint(publicKeyDer: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyDer).digest('base64').replace(/=+$/, '')}`;
}

export function signBytes(key: SigningKey, data: Buffer): Buffer {
  return sign(null, data, key.privateKey);
}

/** False for a bad signature and for a public key that is not an Ed25519 SubjectPublicKeyInfo. */
export function signatureValid(publicKeyDer: Buffer, data: Buffer, signature: Buffer): boolean {
  try {
    const publicKey = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' });
    return publicKey.asymmetricKeyType === 'ed25519' && verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}
