/**
 * bcrypt over raw bytes (hash-wasm): the key may hold 0x00 and bytes >= 0x80 and is never
 * re-encoded, unlike string-only bcrypt libraries. The key schedule appends the terminating NUL
 * and cuts at 72 bytes, as OpenBSD, Go's x/crypto and Python's bcrypt do.
 */
import { randomBytes } from 'node:crypto';
import { bcrypt, bcryptVerify } from 'hash-wasm';

export const BCRYPT_MAX_KEY_BYTES = 72;
export const BCRYPT_MIN_COST = 4;
export const BCRYPT_MAX_COST = 31;
const BCRYPT_SALT_BYTES = 16;
const BCRYPT_VALUE = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

export type BcryptVariant = '2a' | '2b';

export interface BcryptOptions {
  cost: number;
  /** `$2a$` and `$2b$` compute the same value for keys under 255 bytes; only the label differs. */
  variant: BcryptVariant;
  /** 16 bytes; random when absent. */
  salt?: Uint8Array;
}

export function assertBcryptCost(cost: number, field = 'rounds'): void {
  if (!Number.isInteger(cost) || cost < BCRYPT_MIN_COST || cost > BCRYPT_MAX_COST) {
    throw new RangeError(
      `${field} must be a whole number from ${BCRYPT_MIN_COST} to ${BCRYPT_MAX_COST} (got ${String(cost)}).`,
    );
  }
}

export async function bcryptHashBytes(key: Uint8Array, options: BcryptOptions): Promise<string> {
  assertBcryptCost(options.cost);
  if (key.length === 0) throw new RangeError('bcrypt needs a key of at least one byte.');
  const salt = options.salt ?? randomBytes(BCRYPT_SALT_BYTES);
  if (salt.length !== BCRYPT_SALT_BYTES)
    throw new RangeError(`A bcrypt salt is ${BCRYPT_SALT_BYTES} bytes (got ${salt.length}).`);
  const encoded = await bcrypt({
    password: key.subarray(0, BCRYPT_MAX_KEY_BYTES),
    salt,
    costFactor: options.cost,
    outputType: 'encoded',
  });
  return `$${options.variant}$${encoded.slice(4)}`;
}

export function isBcryptValue(stored: string): boolean {
  return BCRYPT_VALUE.test(stored);
}

/** False for a malformed stored value rather than an exception: callers report "no match". */
export async function bcryptVerifyBytes(key: Uint8Array, stored: string): Promise<boolean> {
  if (!isBcryptValue(stored) || key.length === 0) return false;
  return bcryptVerify({ password: key.subarray(0, BCRYPT_MAX_KEY_BYTES), hash: stored });
}
