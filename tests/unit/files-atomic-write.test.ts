import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/main/platform/files/atomic-write.js';
import { backupFileBeside } from '../../src/main/platform/files/backup.js';
import {
  assertNotWorldReadable,
  FilePermissionError,
  restrictToOwner,
} from '../../src/main/platform/files/permissions.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'files-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
let counter = 0;
const fresh = () => {
  const dir = path.join(scratch, String((counter += 1)));
  fs.mkdirSync(dir);
  return dir;
};

describe('writeFileAtomic', () => {
  it('replaces the content, keeps the existing mode, and leaves no temp file', async () => {
    const dir = fresh();
    const file = path.join(dir, 'server.hsconf');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o640);
    await writeFileAtomic(file, Buffer.from('new ü'));
    expect(fs.readFileSync(file, 'utf8')).toBe('new ü');
    expect(modeOf(file)).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['server.hsconf']);
  });

  it('writes a file that holds a secret as 0600, whatever the umask allows', async () => {
    const file = path.join(fresh(), 'private.key');
    await writeFileAtomic(file, 'key', { mode: 0o600 });
    expect(modeOf(file)).toBe(0o600);
    const existing = path.join(fresh(), 'existing');
    fs.writeFileSync(existing, 'x', { mode: 0o644 });
    await writeFileAtomic(existing, 'secret', { mode: 0o600 });
    expect(modeOf(existing)).toBe(0o600);
  });

  it('creates a new file as 0644 by default', async () => {
    const file = path.join(fresh(), 'new.txt');
    await writeFileAtomic(file, 'x');
    expect(modeOf(file)).toBe(0o644);
  });

  it('leaves the old file untouched and no temp file when the write fails', async () => {
    const dir = fresh();
    const file = path.join(dir, 'target');
    fs.writeFileSync(file, 'original');
    // A directory where the target should be cannot be replaced by rename.
    const blocked = path.join(dir, 'blocked');
    fs.mkdirSync(path.join(blocked, 'inner'), { recursive: true });
    await expect(writeFileAtomic(blocked, 'new')).rejects.toThrow();
    expect(fs.readFileSync(file, 'utf8')).toBe('original');
    expect(fs.readdirSync(dir).sort()).toEqual(['blocked', 'target']);
  });
});

describe('backupFileBeside', () => {
  it('copies the file beside itself with a timestamp and the same mode, never overwriting an earlier backup', async () => {
    const dir = fresh();
    const file = path.join(dir, 'server.hsconf');
    fs.writeFileSync(file, 'content', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    const now = new Date('2024-05-14T09:12:01.123Z');
    const first = await backupFileBeside(file, now);
    const second = await backupFileBeside(file, now);
    expect(path.basename(first)).toBe('server.hsconf.breakglass-20240514T091201-123Z.bak');
    expect(path.basename(second)).toBe('server.hsconf.breakglass-20240514T091201-123Z-1.bak');
    expect(path.dirname(first)).toBe(dir);
    expect(fs.readFileSync(first, 'utf8')).toBe('content');
    expect(modeOf(first)).toBe(0o600);
  });

  it('names the missing file', async () => {
    const missing = path.join(fresh(), 'nothing');
    await expect(backupFileBeside(missing)).rejects.toThrow(
      `Cannot back up ${missing}: the file does not exist.`,
    );
  });
});

describe('permissions', () => {
  it('flags a secret file others can read, with the fix, and passes once restricted', async () => {
    const file = path.join(fresh(), 'private.key');
    fs.writeFileSync(file, 'k');
    fs.chmodSync(file, 0o644);
    const check = assertNotWorldReadable(file);
    await expect(check).rejects.toBeInstanceOf(FilePermissionError);
    await expect(assertNotWorldReadable(file)).rejects.toThrow(`chmod 600 "${file}"`);
    await restrictToOwner(file);
    expect(modeOf(file)).toBe(0o600);
    await expect(assertNotWorldReadable(file)).resolves.toBeUndefined();
  });
});
