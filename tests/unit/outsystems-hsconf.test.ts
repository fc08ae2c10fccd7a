import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HSCONF_SECTIONS, HsConf, HsConfError } from '../../src/main/systems/outsystems/hsconf.js';
import { editHsconfFile } from '../../src/main/systems/outsystems/hsconf-file.js';
import { hsconfEditDiff } from '../../src/main/systems/outsystems/hsconf-preview.js';
import { readHsconfSecret, setHsconfSecret } from '../../src/main/systems/outsystems/hsconf-secrets.js';
import {
  loadPrivateKey,
  parsePrivateKey,
  PrivateKeyError,
} from '../../src/main/systems/outsystems/private-key.js';
import { FIXTURES_DIR } from '../support/scripted-exec.js';

const HSCONF_DIR = path.join(FIXTURES_DIR, 'outsystems/hsconf');
const fixture = (name: string) => fs.readFileSync(path.join(HSCONF_DIR, name));
const key = parsePrivateKey(fixture('private.key')).key;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hsconf-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function copyToScratch(name: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'case-'));
  const target = path.join(dir, 'server.hsconf');
  fs.copyFileSync(path.join(HSCONF_DIR, name), target);
  return target;
}

/** The bytes that differ between two buffers, as [start, endInOld, endInNew) after common prefix and suffix. */
function changedRange(before: Buffer, after: Buffer) {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let tail = 0;
  while (
    tail < before.length - start &&
    tail < after.length - start &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail += 1;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

describe('HsConf parsing', () => {
  it.each(['sqlserver.hsconf', 'sqlserver-bom-crlf.hsconf'])(
    'reads every documented section of %s and writes it back byte for byte',
    (name) => {
      const bytes = fixture(name);
      const doc = HsConf.parse(bytes, name);
      expect(doc.sections()).toEqual([...HSCONF_SECTIONS]);
      expect(doc.toBuffer().equals(bytes)).toBe(true);
      expect(doc.get('PlatformDatabaseConfiguration', 'Server')?.value).toBe('SQLPROD01\\OUTSYSTEMS,1533');
      expect(doc.get('PlatformDatabaseConfiguration', 'AdvancedConfiguration')?.value).toBe(
        'Connect Timeout=30',
      );
      expect(doc.get('PlatformDatabaseConfiguration', 'RuntimePassword')).toMatchObject({
        encrypted: true,
        encryptedAttribute: 'true',
      });
      expect(doc.get('NetworkConfiguration', 'OutgoingIPAddress')?.value).toBe('10.20.30.41');
    },
  );

  it('decrypts every $2$ value of the SQL Server and Oracle files with private.key', () => {
    const sql = HsConf.parse(fixture('sqlserver.hsconf'));
    expect(readHsconfSecret(sql, 'PlatformDatabaseConfiguration', 'AdminPassword', key)).toEqual({
      status: 'decrypted',
      value: 'Adm1n&<Platform>"pw"',
    });
    expect(readHsconfSecret(sql, 'SessionDatabaseConfiguration', 'SessionPassword', key).value).toBe(
      'Sess1on!State',
    );
    expect(readHsconfSecret(sql, 'CacheInvalidationConfiguration', 'ServicePassword', key).value).toBe(
      'rabbit-secret',
    );
    const oracle = HsConf.parse(fixture('oracle.hsconf'));
    expect(readHsconfSecret(oracle, 'PlatformDatabaseConfiguration', 'RuntimePassword', key).value).toBe(
      'Runt1me-Pässwörd-€',
    );
    expect(readHsconfSecret(oracle, 'SessionDatabaseConfiguration', 'SessionPassword', key)).toEqual({
      status: 'plaintext',
      value: 'Sess1on!State',
    });
  });

  it('reports a value encrypted with another key as such, and built-in-key values as not decryptable', () => {
    const oracle = HsConf.parse(fixture('oracle.hsconf'));
    const other = readHsconfSecret(oracle, 'OtherConfigurations', 'LegacySetting', key);
    expect(other.status).toBe('wrong-key');
    expect(other.message).toMatch(/front-end with a different private.key than the controller/);
    expect(readHsconfSecret(oracle, 'OtherConfigurations', 'OlderSetting', key).status).toBe('builtin-key');
    expect(readHsconfSecret(oracle, 'OtherConfigurations', 'Rc4Setting', key).message).toMatch(
      /built-in key.*Enter its current value/,
    );
  });

  it('names the problem in malformed XML with line and column', () => {
    const broken = fixture('sqlserver.hsconf').toString('utf8').replace('</Catalog>', '</Catalogue>');
    expect(() => HsConf.parse(broken, 'server.hsconf')).toThrow(HsConfError);
    expect(() => HsConf.parse(broken, 'server.hsconf')).toThrow(
      /server.hsconf is not well-formed XML at line 7, column \d+: .*Restore it from the backup/,
    );
  });

  it('refuses an unknown root, UTF-16, invalid UTF-8 and an internal entity bomb', () => {
    expect(() => HsConf.parse('<?xml version="1.0"?><configuration/>')).toThrow(
      /starts with <configuration>, not <EnvironmentConfiguration>/,
    );
    expect(() => HsConf.parse(Buffer.from('\uFEFF<EnvironmentConfiguration/>', 'utf16le'))).toThrow(
      /saved as UTF-16/,
    );
    expect(() => HsConf.parse(Buffer.from([0x3c, 0x45, 0xff, 0x3e]))).toThrow(/not valid UTF-8/);
    const bomb =
      '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><EnvironmentConfiguration><S><K>&a;</K></S></EnvironmentConfiguration>';
    expect(() => HsConf.parse(bomb)).toThrow(HsConfError);
  });

  it('names a missing section or key and what to do', () => {
    const doc = HsConf.parse(
      '<EnvironmentConfiguration><PlatformDatabaseConfiguration><A>1</A><A>2</A></PlatformDatabaseConfiguration></EnvironmentConfiguration>',
    );
    expect(() =>
      doc.set('SessionDatabaseConfiguration', 'SessionPassword', 'x', { encrypted: false }),
    ).toThrow(/has no <SessionDatabaseConfiguration> section\. Open the Configuration Tool and Apply once/);
    expect(() => doc.require('PlatformDatabaseConfiguration', 'Server')).toThrow(
      /has no <Server> in <PlatformDatabaseConfiguration>/,
    );
    expect(() => doc.get('PlatformDatabaseConfiguration', 'A')).toThrow(/has 2 <A> elements .* Keep one/);
  });
});

describe('HsConf editing keeps every other byte', () => {
  it.each(['sqlserver.hsconf', 'sqlserver-bom-crlf.hsconf', 'oracle.hsconf'])(
    "%s: changing one password changes only that element's text",
    (name) => {
      const before = fixture(name);
      const doc = HsConf.parse(before, name);
      const old = doc.get('PlatformDatabaseConfiguration', 'AdminPassword')?.value ?? '';
      const edited = setHsconfSecret(doc, 'PlatformDatabaseConfiguration', 'AdminPassword', 'N3w-Adm1n!', {
        privateKey: key,
      });
      const after = edited.toBuffer();
      const range = changedRange(before, after);
      const oldAt = before.indexOf(old);
      // The changed bytes lie inside the old value's text, and the text around it is identical.
      expect(range.start).toBeGreaterThanOrEqual(oldAt);
      expect(range.oldEnd).toBeLessThanOrEqual(oldAt + Buffer.byteLength(old));
      const newValue = edited.get('PlatformDatabaseConfiguration', 'AdminPassword')?.value ?? '';
      expect(
        after.equals(
          Buffer.concat([
            before.subarray(0, oldAt),
            Buffer.from(newValue),
            before.subarray(oldAt + Buffer.byteLength(old)),
          ]),
        ),
      ).toBe(true);
      expect(readHsconfSecret(edited, 'PlatformDatabaseConfiguration', 'AdminPassword', key).value).toBe(
        'N3w-Adm1n!',
      );
    },
  );

  it('changes the encrypted attribute in place when a plaintext value replaces an encrypted one, keeping odd attribute order and spacing', () => {
    const doc = HsConf.parse(fixture('sqlserver.hsconf'));
    const edited = setHsconfSecret(
      doc,
      'PlatformDatabaseConfiguration',
      'RuntimePassword',
      'Plain-For-ConfigTool',
    );
    const text = edited.toString();
    expect(text).toContain(
      `<RuntimePassword  note='kept "as is"' encrypted = 'false' >Plain-For-ConfigTool</RuntimePassword>`,
    );
    expect(edited.get('PlatformDatabaseConfiguration', 'RuntimePassword')).toMatchObject({
      encrypted: false,
      value: 'Plain-For-ConfigTool',
    });
    const back = setHsconfSecret(edited, 'PlatformDatabaseConfiguration', 'RuntimePassword', 'x', {
      privateKey: key,
      iv: Buffer.alloc(16),
    });
    expect(back.toString()).toContain(
      `<RuntimePassword  note='kept "as is"' encrypted = 'true' >$2$AAAAAAAAAAAAAAAAAAAAAA==`,
    );
  });

  it('adds an encrypted attribute to an element that had none, and leaves an absent one absent for plaintext', () => {
    const doc = HsConf.parse('<EnvironmentConfiguration><S><P>old</P><Q/></S></EnvironmentConfiguration>');
    expect(doc.set('S', 'P', 'new', { encrypted: false }).toString()).toBe(
      '<EnvironmentConfiguration><S><P>new</P><Q/></S></EnvironmentConfiguration>',
    );
    expect(doc.set('S', 'P', 'c', { encrypted: true }).toString()).toBe(
      '<EnvironmentConfiguration><S><P encrypted="true">c</P><Q/></S></EnvironmentConfiguration>',
    );
    expect(doc.set('S', 'Q', 'v', { encrypted: false }).toString()).toBe(
      '<EnvironmentConfiguration><S><P>old</P><Q>v</Q></S></EnvironmentConfiguration>',
    );
  });

  it("creates PlatformServerAdminPassword inside ServerConfiguration, indented like its siblings, with the file's line endings", () => {
    const before = fixture('sqlserver-bom-crlf.hsconf').toString('utf8');
    const doc = HsConf.parse(before);
    const edited = doc.set('ServerConfiguration', 'PlatformServerAdminPassword', 'It-Admin-2024!', {
      encrypted: false,
    });
    const anchor = '    <MaxRequestLength>131072</MaxRequestLength>';
    expect(edited.toString()).toBe(
      before.replace(
        anchor,
        `${anchor}\r\n    <PlatformServerAdminPassword>It-Admin-2024!</PlatformServerAdminPassword>`,
      ),
    );
    expect(edited.get('ServerConfiguration', 'PlatformServerAdminPassword')?.value).toBe('It-Admin-2024!');
  });

  it('creates a key in an empty or self-closing section', () => {
    const doc = HsConf.parse(
      '<EnvironmentConfiguration>\n  <A>\n  </A>\n  <B />\n</EnvironmentConfiguration>\n',
    );
    expect(
      doc.set('A', 'K', '1', { encrypted: false }).set('B', 'K', '2', { encrypted: false }).toString(),
    ).toBe(
      '<EnvironmentConfiguration>\n  <A>\n    <K>1</K>\n  </A>\n  <B>\n    <K>2</K>\n  </B>\n</EnvironmentConfiguration>\n',
    );
  });

  const hostile = [
    '<',
    '&',
    ']]>',
    '&amp; already escaped',
    `quotes " and ' both`,
    '<Key encrypted="true">x</Key>',
    'ünïcødé €, 漢字 and 😀',
    '  leading and trailing spaces  ',
    'line one\r\nline two\rthree\n',
    'x'.repeat(100_000),
  ];
  it.each(
    hostile.map((value) => [
      value.length > 40 ? `${value.slice(0, 20)}… (${value.length} chars)` : value,
      value,
    ]),
  )('escapes %j and reads it back identical, plain and encrypted', (_label, value) => {
    const doc = HsConf.parse(fixture('sqlserver.hsconf'));
    const plain = HsConf.parse(
      setHsconfSecret(doc, 'SessionDatabaseConfiguration', 'SessionPassword', value).toBuffer(),
    );
    expect(plain.get('SessionDatabaseConfiguration', 'SessionPassword')?.value).toBe(value);
    expect(plain.sections()).toEqual(doc.sections());
    const encrypted = HsConf.parse(
      setHsconfSecret(doc, 'SessionDatabaseConfiguration', 'SessionPassword', value, {
        privateKey: key,
      }).toBuffer(),
    );
    expect(readHsconfSecret(encrypted, 'SessionDatabaseConfiguration', 'SessionPassword', key).value).toBe(
      value,
    );
  });

  it('refuses a value XML cannot hold, naming the field, and leaves the document as it was', () => {
    const doc = HsConf.parse(fixture('sqlserver.hsconf'));
    for (const value of ['bell\u0007', 'nul\u0000', 'lone \uD800 surrogate']) {
      expect(() =>
        doc.set('SessionDatabaseConfiguration', 'SessionPassword', value, { encrypted: false }),
      ).toThrow(/SessionDatabaseConfiguration\/SessionPassword: the value contains a control character/);
    }
    expect(doc.toBuffer().equals(fixture('sqlserver.hsconf'))).toBe(true);
  });
});

describe('editHsconfFile', () => {
  it('backs up, then writes atomically, with only the edited value changed', async () => {
    const file = copyToScratch('sqlserver-bom-crlf.hsconf');
    const edit = await editHsconfFile(file, (doc) =>
      setHsconfSecret(doc, 'LoggingDatabaseConfiguration', 'RuntimePassword', 'Rotated#1', {
        privateKey: key,
      }),
    );
    expect(edit.changed).toBe(true);
    expect(fs.readFileSync(edit.backupPath ?? '').equals(fixture('sqlserver-bom-crlf.hsconf'))).toBe(true);
    const reread = await HsConf.load(file);
    expect(readHsconfSecret(reread, 'LoggingDatabaseConfiguration', 'RuntimePassword', key).value).toBe(
      'Rotated#1',
    );
    expect(
      fs
        .readFileSync(file)
        .subarray(0, 3)
        .equals(Buffer.from([0xef, 0xbb, 0xbf])),
    ).toBe(true);
  });

  it('writes nothing (no backup, same bytes) when the file is malformed or the private.key is garbled', async () => {
    const malformed = copyToScratch('sqlserver.hsconf');
    fs.appendFileSync(malformed, '<unclosed>');
    const malformedBytes = fs.readFileSync(malformed);
    await expect(editHsconfFile(malformed, (doc) => doc)).rejects.toThrow(/not well-formed XML/);
    expect(fs.readFileSync(malformed).equals(malformedBytes)).toBe(true);
    expect(fs.readdirSync(path.dirname(malformed))).toEqual(['server.hsconf']);

    const file = copyToScratch('sqlserver.hsconf');
    const garbledKey = path.join(path.dirname(file), 'private.key');
    fs.writeFileSync(garbledKey, '-- banner\r\nnot*base64!\r\n');
    await expect(
      editHsconfFile(file, (doc) =>
        setHsconfSecret(doc, 'PlatformDatabaseConfiguration', 'AdminPassword', 'x', {
          privateKey: parsePrivateKey(fs.readFileSync(garbledKey)).key,
        }),
      ),
    ).rejects.toBeInstanceOf(PrivateKeyError);
    expect(fs.readFileSync(file).equals(fixture('sqlserver.hsconf'))).toBe(true);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['private.key', 'server.hsconf']);
  });

  it('writes nothing when the edit changes nothing', async () => {
    const file = copyToScratch('oracle.hsconf');
    const edit = await editHsconfFile(file, (doc) =>
      doc.set('NetworkConfiguration', 'OutgoingIPAddress', '', { encrypted: false }),
    );
    expect(edit).toMatchObject({ changed: false });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['server.hsconf']);
  });
});

describe('hsconfEditDiff', () => {
  it('shows which secret changes as a masked unified diff, never the secret', () => {
    const doc = HsConf.parse(fixture('oracle.hsconf'));
    const edited = setHsconfSecret(
      doc,
      'SessionDatabaseConfiguration',
      'SessionPassword',
      'Brand-New-Session-PW',
    );
    const diff = hsconfEditDiff('C:\\Program Files\\OutSystems\\Platform Server\\server.hsconf', doc, edited);
    expect(diff).not.toContain('Brand-New-Session-PW');
    expect(diff).not.toContain('Sess1on!State');
    expect(diff).toContain('-\t\t<SessionPassword encrypted="false">******** (current)</SessionPassword>');
    expect(diff).toContain('+\t\t<SessionPassword encrypted="false">******** (new)</SessionPassword>');
    expect(diff.split('\n').filter((line) => /^[-+]\s/.test(line))).toHaveLength(2);
  });
});

describe('private.key', () => {
  it('skips the banner and blank lines with CRLF, LF, CR and a BOM', async () => {
    const expected = Buffer.from('q0Ea9sZ3x7Yk1mP4bN8cRg==', 'base64');
    expect((await loadPrivateKey(path.join(HSCONF_DIR, 'private.key'))).key.equals(expected)).toBe(true);
    for (const text of [
      '\uFEFF-- banner\n\n  q0Ea9sZ3x7Yk1mP4bN8cRg==  \nignored',
      '-- a\r-- b\r\rq0Ea9sZ3x7Yk1mP4bN8cRg==\r',
    ]) {
      expect(parsePrivateKey(text).key.equals(expected)).toBe(true);
    }
  });

  it('explains a missing, empty, garbled or wrong-length key', async () => {
    await expect(loadPrivateKey(path.join(scratch, 'nope.key'))).rejects.toThrow(
      /does not exist\. Copy private.key from the deployment controller/,
    );
    expect(() => parsePrivateKey('-- only a banner\r\n\r\n')).toThrow(/holds no key line/);
    expect(() => parsePrivateKey('-- banner\nq0Ea9sZ3*x7Yk1mP4bN8cRg==\n')).toThrow(
      /garbled: its key line is not Base64/,
    );
    expect(() => parsePrivateKey('AAECAwQFBgcICQ==')).toThrow(
      /holds a 10-byte key; AES needs 16, 24 or 32 bytes/,
    );
  });
});
