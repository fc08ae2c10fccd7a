// The password generator: alphabets and guarantees per policy, exact entropy, length bounds, uniformity.
import { describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/main/platform/secrets/generate-password.js';
import { randomString } from '../../src/main/platform/secrets/random-string.js';

const classes = { lower: /[a-z]/, upper: /[A-Z]/, digit: /[0-9]/, symbol: /[^A-Za-z0-9]/ };

describe('generatePassword', () => {
  it('default: letters, digits and config-safe symbols, every class present, 24 characters', () => {
    for (let round = 0; round < 200; round += 1) {
      const { password } = generatePassword({ policy: 'default' });
      expect(password).toHaveLength(24);
      expect(password).toMatch(/^[A-Za-z0-9!#%()*+,\-./:?@[\]^_~]+$/);
      for (const pattern of Object.values(classes)) expect(password).toMatch(pattern);
    }
  });

  it('sqlserver: all four SQL Server complexity classes, nothing a connection string must quote', () => {
    for (let round = 0; round < 200; round += 1) {
      const { password } = generatePassword({ policy: 'sqlserver', length: 8 });
      for (const pattern of Object.values(classes)) expect(password).toMatch(pattern);
      expect(password).not.toMatch(/[;'"{}=\s\\]/);
    }
    expect(() => generatePassword({ policy: 'sqlserver', length: 129 })).toThrow(/from 8 to 128/);
  });

  it('oracle: starts with a letter, never holds " @ or /, at most 30 bytes', () => {
    for (let round = 0; round < 200; round += 1) {
      const { password } = generatePassword({ policy: 'oracle' });
      expect(Buffer.byteLength(password)).toBe(30);
      expect(password).toMatch(/^[A-Za-z]/);
      expect(password).not.toMatch(/["@/]/);
    }
    expect(() => generatePassword({ policy: 'oracle', length: 31 })).toThrow(
      /length for the oracle policy must be a whole number from 8 to 30/,
    );
  });

  it('typeable: no look-alikes and nothing a shell, cmd.exe or XML treats specially', () => {
    for (let round = 0; round < 200; round += 1) {
      const { password } = generatePassword({ policy: 'typeable' });
      expect(password).not.toMatch(/[lIO01o'"`\\<>&$;|!%^*?~#(){}[\]\s/=@]/);
      for (const pattern of Object.values(classes)) expect(password).toMatch(pattern);
    }
  });

  it('reports the exact entropy of the policy (inclusion–exclusion over the required classes)', () => {
    // typeable: classes of 24, 24, 8 and 6 characters (62 in all); count passwords of length 8 using every class.
    const sizes = [24, 24, 8, 6];
    let count = 0n;
    for (let mask = 0; mask < 16; mask += 1) {
      const left = 62 - sizes.reduce((sum, size, index) => (mask & (1 << index) ? sum + size : sum), 0);
      const sign = [0, 1, 2, 3].filter((index) => mask & (1 << index)).length % 2 === 0 ? 1n : -1n;
      count += sign * BigInt(left) ** 8n;
    }
    const expected = Math.log2(Number(count));
    expect(generatePassword({ policy: 'typeable', length: 8 }).entropyBits).toBeCloseTo(expected, 1);
    expect(generatePassword({ policy: 'typeable', length: 8 }).entropyBits).toBeLessThan(8 * Math.log2(62));
    // Longer passwords: close to length × log2(alphabet), and monotonic.
    const long = generatePassword({ policy: 'default', length: 64 }).entropyBits;
    expect(long).toBeGreaterThan(64 * Math.log2(81) - 1);
    expect(long).toBeLessThanOrEqual(64 * Math.log2(81));
  });

  it('refuses lengths below 8, fractions and unknown policies', () => {
    expect(() => generatePassword({ policy: 'default', length: 7 })).toThrow(/from 8 to 256/);
    expect(() => generatePassword({ policy: 'default', length: 12.5 })).toThrow(/whole number/);
    expect(() => generatePassword({ policy: 'nope' as 'default' })).toThrow(/policy must be one of/);
  });

  it('draws characters uniformly (chi-square over 62,000 draws below the one-in-a-million critical value)', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const counts = new Map<string, number>();
    for (const character of randomString(alphabet, 62_000))
      counts.set(character, (counts.get(character) ?? 0) + 1);
    const chiSquare = [...alphabet].reduce(
      (sum, character) => sum + ((counts.get(character) ?? 0) - 1000) ** 2 / 1000,
      0,
    );
    // 61 degrees of freedom: P(chi² > 129) ≈ 1e-6 (Wilson–Hilferty), so a fair generator virtually never fails this.
    expect(chiSquare).toBeLessThan(129);
    expect(counts.size).toBe(62);
  });
});
