// Every scheme against vectors made by independent implementations (tests/fixtures/hash-vectors/make_vectors.py):
// the same inputs and salt give byte-identical values, and the values verify.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashAuthgearPassword, verifyAuthgearPassword } from '../../src/main/systems/authgear/hash.js';
import {
  detectOutSystemsHashFormat,
  hashOutSystemsPassword,
  verifyOutSystemsPassword,
} from '../../src/main/systems/outsystems/hash.js';
import { hashSynapsePassword, verifySynapsePassword } from '../../src/main/systems/synapse/hash.js';
import { hashSysReptorPassword, verifySysReptorPassword } from '../../src/main/systems/sysreptor/hash.js';

interface Vectors {
  outsystems: Array<{ name: string; password: string; saltBase64: string; expected: string }>;
  outsystemsLegacy: Array<{ name: string; password: string; expected: string }>;
  synapse: Array<{
    name: string;
    password: string;
    pepper: string;
    rounds: number;
    saltHex: string;
    expected: string;
  }>;
  djangoPbkdf2: Array<{ name: string; password: string; salt: string; iterations: number; expected: string }>;
  djangoArgon2: Array<{
    name: string;
    password: string;
    salt: string;
    expected: string;
    verifyOnly?: boolean;
  }>;
  authgear: Array<{
    name: string;
    password: string;
    saltHex: string;
    digestHasNul: boolean;
    expected: string;
  }>;
  authgearUpstream: Array<{ password: string; expected: string }>;
}

// Read with JSON.parse: the lone-surrogate cases (\ud800) are valid JSON that Vite's JSON import rejects.
const vectors = JSON.parse(
  fs.readFileSync(new URL('../fixtures/hash-vectors/vectors.json', import.meta.url), 'utf8'),
) as Vectors;

describe('OutSystems $1$ vectors (hashlib over UTF-16LE)', () => {
  it.each(vectors.outsystems)('$name', (vector) => {
    const salt = Buffer.from(vector.saltBase64, 'base64');
    const made = hashOutSystemsPassword(vector.password, salt);
    expect(made).toBe(vector.expected);
    expect(made).toHaveLength(175);
    expect(verifyOutSystemsPassword(vector.password, vector.expected)).toBe(true);
    expect(verifyOutSystemsPassword(`${vector.password}x`, vector.expected)).toBe(false);
  });

  it('hashes a lone surrogate as U+FFFD, as .NET does', () => {
    const lone = vectors.outsystems.find((vector) => vector.name === 'lone-high-surrogate');
    expect(lone).toBeDefined();
    expect(verifyOutSystemsPassword('ab\uFFFDcd', lone!.expected)).toBe(true);
  });

  it('applies no Unicode normalisation: composed and decomposed forms differ', () => {
    const composed = vectors.outsystems.find((vector) => vector.name === 'latin-composed')!;
    expect(verifyOutSystemsPassword('cafe\u0301', composed.expected)).toBe(false);
  });

  it.each(vectors.outsystemsLegacy)('legacy MD5 $name is recognised and verifies', (vector) => {
    expect(detectOutSystemsHashFormat(vector.expected)).toBe('legacy-md5');
    expect(verifyOutSystemsPassword(vector.password, vector.expected)).toBe(true);
    expect(verifyOutSystemsPassword(`${vector.password}!`, vector.expected)).toBe(false);
  });
});

describe('Synapse bcrypt vectors (python3-bcrypt, NFKC + pepper + 72 bytes)', () => {
  it.each(vectors.synapse)('$name', async (vector) => {
    const made = await hashSynapsePassword(vector.password, {
      pepper: vector.pepper,
      rounds: vector.rounds,
      salt: Buffer.from(vector.saltHex, 'hex'),
    });
    expect(made).toBe(vector.expected);
    expect(await verifySynapsePassword(vector.password, vector.expected, { pepper: vector.pepper })).toBe(
      true,
    );
  });
});

describe('Django pbkdf2_sha256 vectors (Django PBKDF2PasswordHasher)', () => {
  it.each(vectors.djangoPbkdf2)('$name', async (vector) => {
    const made = await hashSysReptorPassword(vector.password, {
      algorithm: 'pbkdf2_sha256',
      salt: vector.salt,
      iterations: vector.iterations,
    });
    expect(made).toBe(vector.expected);
    expect(await verifySysReptorPassword(vector.password, vector.expected)).toBe(true);
    expect(await verifySysReptorPassword(`${vector.password}.`, vector.expected)).toBe(false);
  });
});

describe('Django argon2 vectors (Django Argon2PasswordHasher, argon2-cffi)', () => {
  it.each(vectors.djangoArgon2)('$name', async (vector) => {
    if (!vector.verifyOnly) {
      expect(await hashSysReptorPassword(vector.password, { algorithm: 'argon2', salt: vector.salt })).toBe(
        vector.expected,
      );
    }
    expect(await verifySysReptorPassword(vector.password, vector.expected)).toBe(true);
    expect(await verifySysReptorPassword(`${vector.password}.`, vector.expected)).toBe(false);
  });
});

describe('Authgear $bcrypt-sha512$ vectors (Perl Crypt::Eksblowfish over raw digest bytes)', () => {
  it('includes digests that hold a NUL byte', () => {
    expect(vectors.authgear.filter((vector) => vector.digestHasNul).length).toBeGreaterThanOrEqual(2);
  });

  it.each(vectors.authgear)('$name', async (vector) => {
    expect(await hashAuthgearPassword(vector.password, { salt: Buffer.from(vector.saltHex, 'hex') })).toBe(
      vector.expected,
    );
    expect(await verifyAuthgearPassword(vector.password, vector.expected)).toBe(true);
    expect(await verifyAuthgearPassword(`${vector.password}.`, vector.expected)).toBe(false);
  });

  it.each(vectors.authgearUpstream)(
    "verifies Authgear's own test vector for a $password.length-character password",
    async (vector) => {
      expect(await verifyAuthgearPassword(vector.password, vector.expected)).toBe(true);
      expect(await verifyAuthgearPassword(`${vector.password.slice(0, -1)}0`, vector.expected)).toBe(false);
    },
  );
});
