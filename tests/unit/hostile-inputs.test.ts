/** Hostile input files and fields: unknown keys, non-objects, YAML merge keys and tags, BOMs, devices. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readInputFile } from '../../src/main/cli/input-file.js';
import { InputError } from '../../src/main/engine/types.js';
import { validateInputs } from '../../src/main/engine/validate-inputs.js';
import { systems } from '../../src/main/systems/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-hostile-inputs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function inputError(work: () => unknown): InputError {
  try {
    work();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const procedures = systems.flatMap((system) => system.procedures);
const procedure = (id: string) => {
  const found = procedures.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no procedure ${id}`);
  return found;
};

describe('every procedure takes only the inputs it names', () => {
  it.each(procedures.map((p) => [p.id, p] as const))(
    '%s refuses an unknown top-level key, naming it',
    (_id, p) => {
      const error = inputError(() => validateInputs(p.inputs, { extra: 1 }));
      expect(error.field).toBe('extra');
      expect(error.message).toMatch(/unknown field/);
    },
  );

  it('a typo of username is refused, not turned into the default admin', () => {
    const error = inputError(() =>
      validateInputs(procedure('outsystems.reset-admin-password').inputs, {
        usename: 'jane.dev',
        newPassword: 'Sunny-Field-42',
      }),
    );
    expect(error.field).toBe('usename');
    expect(error.message).toMatch(/did you mean username\?/);
  });

  it('configurationTol is refused before anything falls back to guide mode', () => {
    const error = inputError(() =>
      validateInputs(procedure('outsystems.ad-workaround').inputs, { configurationTol: 'run' }),
    );
    expect(error.field).toBe('configurationTol');
    expect(error.message).toMatch(/did you mean configurationTool\?/);
  });

  it('nested objects and union branches are strict too: a key of the other branch is unknown', () => {
    const inputs = procedure('outsystems.reset-admin-password').inputs;
    const nested = inputError(() =>
      validateInputs(inputs, {
        newPassword: 'Sunny-Field-42',
        database: { source: 'hsconf', instalDir: '/x' },
      }),
    );
    expect(nested.field).toBe('database.instalDir');
    const otherBranch = inputError(() =>
      validateInputs(inputs, { newPassword: 'Sunny-Field-42', database: { source: 'hsconf', user: 'sa' } }),
    );
    expect(otherBranch.field).toBe('database.user');
    // The branch's own keys pass.
    expect(() =>
      validateInputs(inputs, {
        newPassword: 'Sunny-Field-42',
        database: { source: 'manual', provider: 'SqlServer', server: 'db', user: 'sa', password: 'pw' },
      }),
    ).not.toThrow();
  });

  it('records and arrays check their members, and loose objects stay open', () => {
    const schema = z.object({
      map: z.record(z.string(), z.object({ a: z.string() })),
      list: z.array(z.object({ b: z.number() })),
      open: z.looseObject({}),
    });
    expect(() =>
      validateInputs(schema, { map: { x: { a: '1' } }, list: [{ b: 1 }], open: { any: 1 } }),
    ).not.toThrow();
    expect(
      inputError(() => validateInputs(schema, { map: { x: { a: '1', z: 1 } }, list: [], open: {} })).field,
    ).toBe('map.x.z');
    expect(
      inputError(() => validateInputs(schema, { map: {}, list: [{ b: 1 }, { c: 2 }], open: {} })).field,
    ).toBe('list.1.c');
  });

  it('an unknown key holding escape characters is named escaped', () => {
    const error = inputError(() =>
      validateInputs(procedure('practice.drill').inputs, { 'x\u001b[2J\r\n': 1 }),
    );
    expect(error.field).toBe('x\\x1b[2J\\r\\n');
  });

  it('inputs that are not an object say so, not "newPassword: missing"', () => {
    const inputs = procedure('outsystems.reset-admin-password').inputs;
    for (const value of [[1, 2], 'admin', 42]) {
      const error = inputError(() => validateInputs(inputs, value));
      expect(error.field).toBe('inputs');
      expect(error.message).toMatch(/must be an object/);
    }
  });
});

describe('input files', () => {
  const write = (name: string, content: string | Buffer): string => {
    fs.writeFileSync(path.join(dir, name), content);
    return name;
  };
  const fileError = (name: string) => inputError(() => readInputFile(name, dir));

  it('refuses YAML merge keys and tags with a clear error', () => {
    expect(fileError(write('merge.yaml', 'base: &b\n  username: admin\nreal:\n  <<: *b\n')).message).toMatch(
      /merge key \(<<\)/,
    );
    expect(fileError(write('tag.yaml', 'username: !!str admin\n')).message).toMatch(/YAML tag/);
    expect(fileError(write('custom.yml', 'username: !custom admin\n')).message).toMatch(
      /YAML tag \(!custom\)/,
    );
    expect(fileError(write('dupe.yaml', 'username: a\nusername: b\n')).message).toMatch(/not valid YAML/);
  });

  it('refuses a JSON field given twice in one object (JSON.parse would keep the last)', () => {
    const twice = fileError(
      write('twice.json', '{"username": "jane.dev", "tenants": "both", "username": "admin"}'),
    );
    expect(twice.message).toMatch(/gives the field "username" twice/);
    const escaped = fileError(
      write('escaped-twice.json', String.raw`{"database": {"a\"b": 1, "a\u0022b": 2}}`),
    );
    expect(escaped.message).toMatch(/gives the field "a"b" twice/);
    const apart = String.raw`{"a": {"x": 1}, "b": {"x": 2}, "list": [{"x": 1}, {"x": 2}], "s": "{\"x\":1,\"x\":2}"}`;
    expect(readInputFile(write('apart.json', apart), dir)).toMatchObject({ a: { x: 1 }, b: { x: 2 } });
  });

  it('reads a JSON or YAML file with a UTF-8 BOM as if it had none', () => {
    expect(readInputFile(write('bom.json', '\uFEFF{"username": "admin"}'), dir)).toEqual({
      username: 'admin',
    });
    expect(readInputFile(write('bom.yaml', '\uFEFFusername: admin\n'), dir)).toEqual({ username: 'admin' });
  });

  it('refuses UTF-16 and invalid UTF-8 saying how to save it, never with a raw U+FEFF', () => {
    const utf16 = fileError(write('utf16.json', Buffer.from('\uFEFF{"username": "admin"}', 'utf16le')));
    expect(utf16.message).toMatch(/UTF-16.*save it as UTF-8/);
    expect(utf16.message).not.toMatch(/\uFEFF/);
    expect(fileError(write('latin1.json', Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]))).message).toMatch(
      /not valid UTF-8/,
    );
  });

  it('refuses a file that holds a list or a scalar, and reads an empty YAML file as no inputs', () => {
    expect(fileError(write('list.yaml', '- username: admin\n')).message).toMatch(
      /holds a list, not the object/,
    );
    expect(fileError(write('scalar.json', '"admin"')).message).toMatch(/holds a string/);
    expect(readInputFile(write('empty.yaml', ''), dir)).toEqual({});
  });

  it('refuses /dev/zero, /dev/urandom, a FIFO, a folder and a link to /dev/zero at once, without reading them', () => {
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.json'));
    fs.mkdirSync(path.join(dir, 'folder.json'));
    const started = Date.now();
    for (const target of ['/dev/zero', '/dev/urandom', 'fifo.json', 'zero.json']) {
      const error = fileError(target);
      expect(error.field).toBe('--input');
      expect(error.message).toMatch(/not a regular file \(a device, pipe or socket\)/);
    }
    expect(fileError('folder.json').message).toMatch(/not a regular file \(a folder\)/);
    expect(fileError('missing.json').message).toMatch(/does not exist/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a file over 1 MiB', () => {
    const big = write('big.json', `{"username": "${'a'.repeat(1024 * 1024)}"}`);
    expect(fileError(big).message).toMatch(/larger than 1 MiB/);
  });
});
