import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** A salted scrypt verifier of a secret: the journal keeps this, never the secret. */
export interface SecretVerifier {
  algorithm: 'scrypt';
  n: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

const N = 1 << 14;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

export function createVerifier(secret: string): SecretVerifier {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, KEY_LENGTH, { N, r: R, p: P });
  return {
    algorithm: 'scrypt',
    n: N,
    r: R,
    p: P,
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
  };
}

export function matchesVerifier(secret: string, verifier: SecretVerifier): boolean {
  const expected = Buffer.from(verifier.hash, 'base64');
  const actual = scryptSync(secret, Buffer.from(verifier.salt, 'base64'), expected.length, {
    N: verifier.n,
    r: verifier.r,
    p: verifier.p,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
