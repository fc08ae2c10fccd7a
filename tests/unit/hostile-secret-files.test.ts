/** Secret files decoded strictly: what PowerShell, a hex editor or a careless chmod leave is refused, never stored. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSecretFile, SecretInputError } from '../../src/main/platform/secrets/read-secret.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-hostile-secret-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const SECRET = 'Quiet-Harbor-7731';
const posix = process.platform !== 'win32';

function secretFile(name: string, content: string | Buffer, mode = 0o600): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
  return file;
}

async function refusal(file: string): Promise<string> {
  const error = await readSecretFile(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecretInputError);
  const message = (error as Error).message;
  expect(message).not.toContain(SECRET);
  return message;
}

describe('secret files', () => {
  it('reads one line of UTF-8, less one trailing newline (LF or CRLF) and a UTF-8 BOM', async () => {
    expect(await readSecretFile(secretFile('plain', SECRET))).toBe(SECRET);
    expect(await readSecretFile(secretFile('lf', `${SECRET}\n`))).toBe(SECRET);
    expect(await readSecretFile(secretFile('crlf', `${SECRET}\r\n`))).toBe(SECRET);
    expect(await readSecretFile(secretFile('bom', `\uFEFF${SECRET}\r\n`))).toBe(SECRET);
    expect(await readSecretFile(secretFile('unicode', 'pässwörd-ñ\n'))).toBe('pässwörd-ñ');
  });

  it('refuses UTF-16 with a BOM (what PowerShell 5 writes), saying to save it as UTF-8', async () => {
    const le = secretFile('utf16le', Buffer.from(`\uFEFF${SECRET}\r\n`, 'utf16le'));
    expect(await refusal(le)).toMatch(/UTF-16.*save it as UTF-8/);
    const be = secretFile('utf16be', Buffer.from(`\uFEFF${SECRET}`, 'utf16le').swap16());
    expect(await refusal(be)).toMatch(/UTF-16/);
  });

  it('refuses invalid UTF-8, an embedded NUL, a second line and an empty file', async () => {
    expect(await refusal(secretFile('latin1', Buffer.from([0x70, 0xe4, 0x73, 0x73])))).toMatch(
      /not valid UTF-8/,
    );
    expect(await refusal(secretFile('nul', `${SECRET}\0tail`))).toMatch(/NUL character/);
    expect(await refusal(secretFile('two-lines', `${SECRET}\nsecond\n`))).toMatch(/more than one line/);
    expect(await refusal(secretFile('two-newlines', `${SECRET}\n\n`))).toMatch(/more than one line/);
    expect(await refusal(secretFile('lone-cr', `${SECRET}\rx`))).toMatch(/more than one line/);
    expect(await refusal(secretFile('empty', ''))).toMatch(/is empty/);
  });

  it.runIf(posix)(
    'refuses a file others can write (world or group), and one others can read, with the fix',
    async () => {
      for (const mode of [0o602, 0o620, 0o666]) {
        const message = await refusal(secretFile(`writable-${mode.toString(8)}`, SECRET, mode));
        expect(message).toMatch(/can be changed by other users/);
        expect(message).toMatch(/chmod 600/);
      }
      expect(await refusal(secretFile('readable', SECRET, 0o640))).toMatch(
        /can be read by other users.*chmod 600/,
      );
    },
  );

  it.runIf(posix)('refuses a FIFO, a device and a link to /dev/zero without blocking', async () => {
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero-link'));
    for (const file of [path.join(dir, 'fifo'), path.join(dir, 'zero-link'), '/dev/urandom'])
      expect(await refusal(file)).toMatch(/not a regular file/);
  });
});
