import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EnvFileError, parseEnvFile } from '../../src/main/systems/sysreptor/env-file.js';
import {
  decryptValue,
  encryptValue,
  parseEncryptionKeys,
  readEnvelopeHeader,
} from '../../src/main/systems/sysreptor/encryption.js';

describe('SysReptor env files (strict compose env_file syntax)', () => {
  it('reads comments, export, quotes and inline comments as compose does', () => {
    const env = parseEnvFile(
      [
        '# comment',
        '',
        'PLAIN=value with spaces   # a comment',
        'export EXPORTED=1',
        `SINGLE='[{"id": "k", "key": "a#b"}]'`,
        'DOUBLE="line\\nbreak \\"quoted\\" $HOME"',
        'EMPTY=',
        'HASH=a#b',
        'PLAIN=later wins',
      ].join('\r\n'),
      'app.env',
    );
    expect(Object.fromEntries(env)).toEqual({
      PLAIN: 'later wins',
      EXPORTED: '1',
      SINGLE: '[{"id": "k", "key": "a#b"}]',
      DOUBLE: 'line\nbreak "quoted" $HOME',
      EMPTY: '',
      HASH: 'a#b',
    });
  });

  it.each([
    ['NO_EQUALS', 1, /expected NAME=value/],
    ['GOOD=1\n1BAD=x', 2, /variable name/],
    ["OPEN='not closed", 1, /OPEN: the single-quoted value is not closed/],
    ['ESC="\\q"', 1, /unknown escape/],
    ['AFTER="x" y', 1, /unexpected text after the closing quote/],
  ])('refuses %j at line %i without quoting the value', (text, line, message) => {
    let caught: unknown;
    try {
      parseEnvFile(text, 'app.env');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvFileError);
    expect((caught as EnvFileError).line).toBe(line);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toMatch(/not closed$|^x$/);
  });

  it('refuses NUL bytes and huge files', () => {
    expect(() => parseEnvFile('A=\u0000', '.env')).toThrow(/NUL/);
    expect(() => parseEnvFile(`A=${'x'.repeat(1024 * 1024 + 1)}`, '.env')).toThrow(/larger than/);
  });
});

describe('SysReptor AES-GCM envelope', () => {
  const [key] = parseEncryptionKeys(
    JSON.stringify([{ id: 'clé-ü"1', key: Buffer.alloc(32, 7).toString('base64'), cipher: 'AES-GCM' }]),
  );

  it('writes the header exactly as Python json.dumps does, and round-trips', () => {
    const nonce = Buffer.alloc(16, 1);
    const value = encryptValue(Buffer.from('argon2$x'), key!, nonce);
    const { headerBytes } = readEnvelopeHeader(value);
    const python = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import json,sys,base64; print(json.dumps({"cipher": "AES-GCM", "nonce": base64.b64encode(bytes([1]*16)).decode(), "key_id": sys.stdin.read()}), end="")',
      ],
      { input: 'clé-ü"1', encoding: 'utf8' },
    );
    expect(python.status).toBe(0);
    expect(headerBytes.subarray(4, -1).toString('utf8')).toBe(python.stdout);
    expect(headerBytes.subarray(0, 4)).toEqual(Buffer.from([0xc2, 0x59, 0x50, 0x54]));
    expect(decryptValue(value, [key!]).toString()).toBe('argon2$x');
  });

  it('refuses an altered header, a missing or revoked key, and bad ENCRYPTION_KEYS', () => {
    const value = encryptValue(Buffer.from('argon2$x'), key!);
    const altered = Buffer.from(value);
    altered[6] = altered[6]! ^ 1;
    expect(() => decryptValue(altered, [key!])).toThrow();
    expect(() => decryptValue(value, [])).toThrow(/does not hold/);
    expect(() => decryptValue(value, [{ ...key!, revoked: true }])).toThrow(/revoked/);
    expect(() => parseEncryptionKeys('not json')).toThrow(/not valid JSON/);
    expect(() =>
      parseEncryptionKeys(JSON.stringify([{ id: 'k', key: 'c2hvcnQ=', cipher: 'AES-GCM' }])),
    ).toThrow(/16, 24 or 32 bytes/);
    expect(() => parseEncryptionKeys(JSON.stringify([{ id: 'k', key: 'x', cipher: 'DES' }]))).toThrow(
      /entry 0\.cipher/,
    );
  });
});
