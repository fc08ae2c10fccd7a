// Edge cases of each scheme's input rules: refusals, NFKC, pepper, the 72-byte cut, format strictness, round trips.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PasswordInputError } from '../../src/main/platform/hashing/password-rules.js';
import {
  AUTHGEAR_MAX_PASSWORD_BYTES,
  detectAuthgearHashFormat,
  hashAuthgearPassword,
  verifyAuthgearPassword,
} from '../../src/main/systems/authgear/hash.js';
import {
  detectOutSystemsHashFormat,
  hashOutSystemsPassword,
  verifyOutSystemsPassword,
} from '../../src/main/systems/outsystems/hash.js';
import {
  hashSynapsePassword,
  synapseBcryptKey,
  verifySynapsePassword,
} from '../../src/main/systems/synapse/hash.js';
import {
  DJANGO_PBKDF2_ITERATIONS,
  detectSysReptorHashFormat,
  hashSysReptorPassword,
  verifySysReptorPassword,
} from '../../src/main/systems/sysreptor/hash.js';

const hashers: Array<[string, (password: string) => unknown]> = [
  ['outsystems', (password) => hashOutSystemsPassword(password)],
  ['synapse', (password) => hashSynapsePassword(password, { rounds: 4 })],
  [
    'django-pbkdf2',
    (password) => hashSysReptorPassword(password, { algorithm: 'pbkdf2_sha256', iterations: 1 }),
  ],
  ['django-argon2', (password) => hashSysReptorPassword(password, { algorithm: 'argon2' })],
  ['authgear', (password) => hashAuthgearPassword(password)],
];

describe('new passwords', () => {
  it.each(hashers)(
    '%s refuses empty and whitespace-only passwords, naming the field',
    async (_name, hash) => {
      for (const password of ['', ' ', '\t\n ', '\u00a0\u3000']) {
        const attempt = (async () => hash(password))();
        await expect(attempt).rejects.toBeInstanceOf(PasswordInputError);
        await expect(attempt).rejects.toThrow(/password/);
      }
    },
  );

  it.each(hashers.filter(([name]) => name !== 'outsystems'))(
    '%s refuses a lone surrogate (it cannot be encoded as UTF-8)',
    async (_name, hash) => {
      await expect((async () => hash('ab\ud800cd'))()).rejects.toThrow(/unpaired UTF-16 surrogate/);
    },
  );
});

describe('OutSystems', () => {
  it('writes $1$ + 44-character Base64 salt + 128 upper-case hex, 175 characters, with a fresh salt each time', () => {
    const first = hashOutSystemsPassword('S3cret!');
    const second = hashOutSystemsPassword('S3cret!');
    expect(first).toMatch(/^\$1\$[A-Za-z0-9+/]{43}=[0-9A-F]{128}$/);
    expect(first).toHaveLength(175);
    expect(first).not.toBe(second);
    expect(verifyOutSystemsPassword('S3cret!', first)).toBe(true);
    expect(verifyOutSystemsPassword('S3cret!', second)).toBe(true);
    expect(verifyOutSystemsPassword('s3cret!', first)).toBe(false);
  });

  it('rejects lower-case hex and whitespace-padded values, as the platform does', () => {
    const value = hashOutSystemsPassword('S3cret!');
    const lowered = value.slice(0, 47) + value.slice(47).toLowerCase();
    for (const altered of [lowered, ` ${value}`, `${value} `, `${value}\n`]) {
      expect(detectOutSystemsHashFormat(altered)).toBe('unknown');
      expect(verifyOutSystemsPassword('S3cret!', altered)).toBe(false);
    }
    expect(detectOutSystemsHashFormat('0123456789abcdef0123456789abcdef')).toBe('unknown');
  });

  it('takes the last 128 characters as the hash and everything after $1$ before them as the salt', () => {
    const saltText = 'any-salt-text';
    const digest = createHash('sha512')
      .update(Buffer.from(`pw-1${saltText}`, 'utf16le'))
      .digest('hex')
      .toUpperCase();
    expect(verifyOutSystemsPassword('pw-1', `$1$${saltText}${digest}`)).toBe(true);
    expect(verifyOutSystemsPassword('pw-1', `$1$${saltText}x${digest}`)).toBe(false);
  });
});

describe('Synapse', () => {
  it('NFKC-normalises before hashing: ligature, full-width and decomposed forms match their plain forms', async () => {
    for (const [typed, plain] of [
      ['\ufb01sh', 'fish'],
      ['\uff30\uff41\uff53\uff53', 'Pass'],
      ['cafe\u0301', 'caf\u00e9'],
    ] as const) {
      const stored = await hashSynapsePassword(typed, { rounds: 4 });
      expect(await verifySynapsePassword(plain, stored)).toBe(true);
    }
  });

  it('appends the pepper: the value only verifies with the same pepper', async () => {
    const stored = await hashSynapsePassword('password', { rounds: 4, pepper: 'pep' });
    expect(await verifySynapsePassword('password', stored, { pepper: 'pep' })).toBe(true);
    expect(await verifySynapsePassword('password', stored)).toBe(false);
    expect(await verifySynapsePassword('passwordpep', stored)).toBe(true);
  });

  it('cuts the input at 72 bytes, so anything past them (password or pepper) is ignored', async () => {
    const stored = await hashSynapsePassword('a'.repeat(72), { rounds: 4 });
    expect(await verifySynapsePassword(`${'a'.repeat(72)}whatever`, stored, { pepper: 'ignored' })).toBe(
      true,
    );
    expect(synapseBcryptKey('a'.repeat(71) + '\u00e9')).toHaveLength(72);
    expect(synapseBcryptKey('a'.repeat(71) + '\u00e9').at(-1)).toBe(0xc3);
  });

  it('writes $2b$ with the configured rounds (default 12) and refuses impossible rounds', async () => {
    expect(await hashSynapsePassword('pw', { rounds: 5 })).toMatch(/^\$2b\$05\$/);
    expect(await hashSynapsePassword('pw')).toMatch(/^\$2b\$12\$/);
    await expect(hashSynapsePassword('pw', { rounds: 3 })).rejects.toThrow(
      /rounds must be a whole number from 4 to 31/,
    );
  });
});

describe('SysReptor / Django', () => {
  it("uses Django 6.0's PBKDF2 iterations and a 22-character alphanumeric salt by default", async () => {
    expect(DJANGO_PBKDF2_ITERATIONS).toBe(1_200_000);
    const argon2 = await hashSysReptorPassword('pw');
    expect(argon2).toMatch(
      /^argon2\$argon2id\$v=19\$m=102400,t=2,p=8\$[A-Za-z0-9+/]{30}\$[A-Za-z0-9+/]{43}$/,
    );
    const salt = Buffer.from(argon2.split('$')[4]!, 'base64').toString('latin1');
    expect(salt).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(await verifySysReptorPassword('pw', argon2)).toBe(true);
  });

  it('refuses malformed values and work factors that would hang the tool', async () => {
    for (const stored of [
      'pbkdf2_sha256$999999999999$salt$AAAA',
      'argon2$argon2id$v=19$m=999999999,t=2,p=8$c2FsdHNhbHQ$aGFzaGhhc2g',
      'md5$salt$abc',
      '',
    ]) {
      expect(detectSysReptorHashFormat(stored)).toBe('unknown');
      expect(await verifySysReptorPassword('pw', stored)).toBe(false);
    }
  });
});

describe('Authgear', () => {
  it(`refuses new passwords over ${AUTHGEAR_MAX_PASSWORD_BYTES} UTF-8 bytes`, async () => {
    await expect(hashAuthgearPassword('\u00e9'.repeat(4097))).rejects.toThrow(/8192 bytes/);
    const atLimit = await hashAuthgearPassword('x'.repeat(8192));
    expect(atLimit).toMatch(/^\$bcrypt-sha512\$\$2a\$10\$/);
  });

  it('does not truncate: passwords differing after byte 72 hash differently', async () => {
    const stored = await hashAuthgearPassword(`${'x'.repeat(100)}A`);
    expect(await verifyAuthgearPassword(`${'x'.repeat(100)}B`, stored)).toBe(false);
    expect(await verifyAuthgearPassword(`${'x'.repeat(100)}A`, stored)).toBe(true);
  });

  it('verifies plain $2a$/$2b$/$2y$ bcrypt values too, as Authgear does', async () => {
    const plain = (await hashSynapsePassword('legacy-pw', { rounds: 4 })).slice(4);
    for (const variant of ['$2a$', '$2b$', '$2y$']) {
      expect(detectAuthgearHashFormat(variant + plain)).toBe('bcrypt');
      expect(await verifyAuthgearPassword('legacy-pw', variant + plain)).toBe(true);
    }
    expect(detectAuthgearHashFormat(`$2x$${plain}`)).toBe('unknown');
  });
});
