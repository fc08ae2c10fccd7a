import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decryptSetting,
  encryptSetting,
  SettingsCryptoError,
  storedValueKind,
} from '../../src/main/systems/outsystems/settings-crypto.js';
import { FIXTURES_DIR } from '../support/scripted-exec.js';

// Made with OpenSSL by tests/fixtures/outsystems/hsconf/make-vectors.sh: an implementation independent of ours.
const vectorFile = JSON.parse(
  fs.readFileSync(path.join(FIXTURES_DIR, 'outsystems/hsconf/vectors.json'), 'utf8'),
) as {
  key: string;
  key256: string;
  otherKey: string;
  vectors: Array<{ key: 'key' | 'key256'; iv: string; plaintext: string; value: string }>;
  otherKeyValue: string;
};
const keys = { key: Buffer.from(vectorFile.key, 'base64'), key256: Buffer.from(vectorFile.key256, 'base64') };

describe('$2$ settings encryption', () => {
  it.each(vectorFile.vectors.map((vector) => [vector.plaintext, vector]))(
    'matches the OpenSSL vector for %j both ways',
    (_label, vector) => {
      const key = keys[vector.key];
      expect(decryptSetting(vector.value, key)).toBe(vector.plaintext);
      expect(encryptSetting(vector.plaintext, key, Buffer.from(vector.iv, 'hex'))).toBe(vector.value);
    },
  );

  it('round-trips with generated keys of every AES size, with a fresh IV each time', () => {
    for (const size of [16, 24, 32]) {
      const key = randomBytes(size);
      for (const plaintext of [
        '',
        'p',
        'exactly sixteen!',
        'ünïcødé 😀 "quotes" <tags> & ]]>',
        'x'.repeat(10_000),
      ]) {
        const value = encryptSetting(plaintext, key);
        expect(value).toMatch(/^\$2\$[A-Za-z0-9+/]{22}==[A-Za-z0-9+/=]+$/);
        expect(decryptSetting(value, key)).toBe(plaintext);
      }
      expect(encryptSetting('same', key)).not.toBe(encryptSetting('same', key));
    }
  });

  it('reports a value encrypted with another key as the front-end/controller key mismatch', () => {
    const attempt = () =>
      decryptSetting(vectorFile.otherKeyValue, keys.key, 'PlatformDatabaseConfiguration/AdminPassword');
    expect(attempt).toThrow(SettingsCryptoError);
    expect(attempt).toThrow(
      'PlatformDatabaseConfiguration/AdminPassword was not encrypted with this private.key — a front-end with a different private.key than the controller?',
    );
  });

  it('detects wrong keys reliably (padding, then UTF-8)', () => {
    const value = encryptSetting('OsRuntime#Password-2024', keys.key);
    let detected = 0;
    for (let attempt = 0; attempt < 300; attempt += 1) {
      try {
        decryptSetting(value, randomBytes(16));
      } catch (error) {
        if (error instanceof SettingsCryptoError && error.reason === 'wrong-key') detected += 1;
      }
    }
    expect(detected).toBe(300);
  });

  it('refuses built-in-key and damaged values with what to do instead', () => {
    expect(() => decryptSetting('$1$QUJDREVGR0hJSktMTU5PUA==', keys.key)).toThrow(
      /built-in key .* Enter the current value instead/,
    );
    expect(() => decryptSetting('8f3a1c22d9', keys.key)).toThrow(/built-in key/);
    const good = encryptSetting('pw', keys.key);
    for (const damaged of [
      good.slice(0, -4),
      `$2$${'A'.repeat(10)}`,
      `${good.slice(0, 30)}*${good.slice(31)}`,
    ]) {
      expect(() => decryptSetting(damaged, keys.key)).toThrow(/not a complete encrypted value/);
    }
  });

  it('classifies stored values by their encrypted attribute and prefix', () => {
    expect(storedValueKind('$2$abc', true)).toBe('private-key');
    expect(storedValueKind('$2$abc', false)).toBe('plaintext');
    expect(storedValueKind('$1$abc', true)).toBe('builtin-key-aes');
    expect(storedValueKind('abc', true)).toBe('builtin-key-legacy');
  });
});
