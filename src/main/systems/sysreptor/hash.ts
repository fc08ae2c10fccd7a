/**
 * SysReptor (Django 6.0) password hashes, made and checked offline: Django's `argon2` encoding
 * (argon2id, v=19, m=102400, t=2, p=8, 32-byte hash, 22-character alphanumeric salt, SysReptor's
 * first hasher) and `pbkdf2_sha256`. See ../shared/reference/sysreptor.md. The value is the Django
 * hash text; encrypting it at rest is the caller's job.
 */
import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { argon2Verify, argon2id } from 'hash-wasm';
import {
  assertEncodableAsUtf8,
  assertNewPassword,
  hasLoneSurrogate,
} from '../../platform/hashing/password-rules.js';
import { randomString } from '../../platform/secrets/random-string.js';

/** Django 6.0's PBKDF2PasswordHasher.iterations (5.2: 1,000,000; 6.1: 1,500,000). */
export const DJANGO_PBKDF2_ITERATIONS = 1_200_000;
const ARGON2 = { iterations: 2, memorySize: 102_400, parallelism: 8, hashLength: 32 } as const;
/** Django's get_random_string alphabet and the length it uses for 128 bits of salt entropy. */
const SALT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SALT_LENGTH = 22;
const PBKDF2_KEY_BYTES = 32;
/** Verification refuses work factors far beyond any real deployment, so a hostile value cannot hang the tool. */
const MAX_PBKDF2_ITERATIONS = 100_000_000;
const MAX_ARGON2_MEMORY_KIB = 4 * 1024 * 1024;

const PBKDF2_VALUE = /^pbkdf2_sha256\$([1-9][0-9]{0,8})\$([^$\s]+)\$([A-Za-z0-9+/]{43}=)$/;
const ARGON2_VALUE =
  /^argon2(\$argon2id\$v=19\$m=([0-9]{1,8}),t=([0-9]{1,3}),p=([0-9]{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+)$/;

export type SysReptorHashAlgorithm = 'argon2' | 'pbkdf2_sha256';
export type SysReptorHashFormat = SysReptorHashAlgorithm | 'unknown';

export interface SysReptorHashOptions {
  algorithm?: SysReptorHashAlgorithm;
  /** pbkdf2_sha256 only. */
  iterations?: number;
  /** Django-style salt text; random 22 alphanumeric characters when absent. */
  salt?: string;
}

const pbkdf2Async = promisify(pbkdf2);

async function pbkdf2Base64(password: string, salt: string, iterations: number): Promise<string> {
  const key = await pbkdf2Async(
    Buffer.from(password, 'utf8'),
    Buffer.from(salt, 'utf8'),
    iterations,
    PBKDF2_KEY_BYTES,
    'sha256',
  );
  return key.toString('base64');
}

function assertSalt(salt: string): void {
  if (salt.length === 0 || /[$\s]/.test(salt))
    throw new RangeError('A Django salt must be non-empty and contain no "$" or whitespace.');
}

export async function hashSysReptorPassword(
  password: string,
  options: SysReptorHashOptions = {},
): Promise<string> {
  assertNewPassword(password);
  assertEncodableAsUtf8(password);
  const salt = options.salt ?? randomString(SALT_ALPHABET, SALT_LENGTH);
  assertSalt(salt);
  if ((options.algorithm ?? 'argon2') === 'pbkdf2_sha256') {
    const iterations = options.iterations ?? DJANGO_PBKDF2_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
      throw new RangeError(
        `iterations must be a whole number from 1 to ${MAX_PBKDF2_ITERATIONS} (got ${String(iterations)}).`,
      );
    }
    return `pbkdf2_sha256$${iterations}$${salt}$${await pbkdf2Base64(password, salt, iterations)}`;
  }
  const encoded = await argon2id({ password, salt, ...ARGON2, outputType: 'encoded' });
  return `argon2${encoded}`;
}

export function detectSysReptorHashFormat(stored: string): SysReptorHashFormat {
  const pbkdf2Match = PBKDF2_VALUE.exec(stored);
  if (pbkdf2Match && Number(pbkdf2Match[1]) <= MAX_PBKDF2_ITERATIONS) return 'pbkdf2_sha256';
  const argon2Match = ARGON2_VALUE.exec(stored);
  if (argon2Match) {
    const [memory, time, lanes] = [Number(argon2Match[2]), Number(argon2Match[3]), Number(argon2Match[4])];
    if (memory <= MAX_ARGON2_MEMORY_KIB && time >= 1 && lanes >= 1 && memory >= 8 * lanes) return 'argon2';
  }
  return 'unknown';
}

/** True when `password` matches a Django `pbkdf2_sha256` or `argon2` (argon2id) value; false otherwise. */
export async function verifySysReptorPassword(password: string, stored: string): Promise<boolean> {
  if (hasLoneSurrogate(password)) return false;
  switch (detectSysReptorHashFormat(stored)) {
    case 'pbkdf2_sha256': {
      const [, iterations = '', salt = '', expected = ''] = PBKDF2_VALUE.exec(stored) ?? [];
      const actual = Buffer.from(await pbkdf2Base64(password, salt, Number(iterations)));
      const wanted = Buffer.from(expected);
      return actual.length === wanted.length && timingSafeEqual(actual, wanted);
    }
    case 'argon2':
      return argon2Verify({ password, hash: stored.slice('argon2'.length) });
    default:
      return false;
  }
}
