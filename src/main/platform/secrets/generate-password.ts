/**
 * Generates the new passwords every procedure sets: CSPRNG characters from the policy's alphabet
 * (uniform, no modulo bias), redrawn whole until every required character class is present, so the
 * result is uniform over the passwords that meet the policy and the entropy figure is exact.
 */
import type { PasswordPolicyName } from '../../../shared/ipc.js';
import { randomString } from './random-string.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

interface Policy {
  /** Every class contributes to the alphabet, and the password holds at least one character of each. */
  classes: readonly string[];
  /** Characters allowed in the first position (all when absent). */
  firstCharacters?: string;
  defaultLength: number;
  /** All alphabets here are ASCII, so characters are bytes (Oracle's limit is in bytes). */
  maxLength: number;
}

/**
 * Symbols that survive config files and connection strings unquoted: no quotes, backslash, `$`,
 * backtick, `&`, `;`, `<`, `>`, `|`, `=`, braces or space.
 */
const CONFIG_SAFE_SYMBOLS = '!#%()*+,-./:?@[]^_~';

const policies: Record<PasswordPolicyName, Policy> = {
  default: { classes: [LOWER, UPPER, DIGITS, CONFIG_SAFE_SYMBOLS], defaultLength: 24, maxLength: 256 },
  // SQL Server CHECK_POLICY wants three of the four classes; all four are guaranteed. Logins take at most 128 characters.
  sqlserver: { classes: [LOWER, UPPER, DIGITS, '!#%*+-.:?@^_~'], defaultLength: 24, maxLength: 128 },
  // Oracle: no `"` (it ends the quoted password), no `@` or `/` (they split sqlplus' user/password@service),
  // a letter first (required unquoted, and by the 12c verify functions), and at most 30 bytes: the limit
  // up to 21c (23ai allows 1024), so the same password works on every version OutSystems supports.
  oracle: {
    classes: [LOWER, UPPER, DIGITS, '#_+-.!*~:^%'],
    firstCharacters: LOWER + UPPER,
    defaultLength: 30,
    maxLength: 30,
  },
  // For a password someone must read and type later: no look-alikes (l 1 I O 0 o), nothing a shell, cmd.exe
  // or XML treats specially.
  typeable: {
    classes: ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '-_.+:,'],
    defaultLength: 20,
    maxLength: 256,
  },
};

const MIN_LENGTH = 8;

export interface GeneratedPassword {
  password: string;
  entropyBits: number;
}

export function generatePassword(options: {
  policy: PasswordPolicyName;
  length?: number;
}): GeneratedPassword {
  const policy = policies[options.policy];
  if (!policy) throw new RangeError(`policy must be one of ${Object.keys(policies).join(', ')}.`);
  const length = options.length ?? policy.defaultLength;
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > policy.maxLength) {
    throw new RangeError(
      `length for the ${options.policy} policy must be a whole number from ${MIN_LENGTH} to ${policy.maxLength} (got ${String(length)}).`,
    );
  }
  const alphabet = policy.classes.join('');
  const first = policy.firstCharacters ?? alphabet;
  let password: string;
  do {
    password = randomString(first, 1) + randomString(alphabet, length - 1);
  } while (
    !policy.classes.every((characters) => [...password].some((character) => characters.includes(character)))
  );
  return { password, entropyBits: Math.floor(log2(countValidPasswords(policy, length)) * 10) / 10 };
}

/** Passwords of `length` that meet the policy, by inclusion–exclusion over the classes left out. */
function countValidPasswords(policy: Policy, length: number): bigint {
  const first = policy.firstCharacters ?? policy.classes.join('');
  let total = 0n;
  for (let mask = 0; mask < 1 << policy.classes.length; mask += 1) {
    const excluded = policy.classes.filter((_, index) => mask & (1 << index)).join('');
    const rest = policy.classes.join('').length - excluded.length;
    const firstChoices = [...first].filter((character) => !excluded.includes(character)).length;
    const term = BigInt(firstChoices) * BigInt(rest) ** BigInt(length - 1);
    total += popcount(mask) % 2 === 0 ? term : -term;
  }
  return total;
}

function popcount(value: number): number {
  let count = 0;
  for (let rest = value; rest > 0; rest >>= 1) count += rest & 1;
  return count;
}

function log2(value: bigint): number {
  const bits = value.toString(2).length;
  if (bits <= 52) return Math.log2(Number(value));
  return Math.log2(Number(value >> BigInt(bits - 52))) + (bits - 52);
}
