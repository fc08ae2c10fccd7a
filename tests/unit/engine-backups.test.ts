import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunBackupStore } from '../../src/main/engine/backups.js';

function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'backups-'));
  const runDir = path.join(root, 'run');
  fs.mkdirSync(runDir, { mode: 0o700 });
  return { root, store: new RunBackupStore(runDir), runDir };
}

describe('run backups', () => {
  it('refuses to back up a link to a device, a FIFO or a folder instead of hanging or growing without end; nothing saved', async () => {
    const { root, store, runDir } = setup();
    const device = path.join(root, 'server.hsconf');
    fs.symlinkSync('/dev/zero', device);
    await expect(store.saveFile(device)).rejects.toThrow(/is not a regular file/);
    const fifo = path.join(root, 'fifo.conf');
    execFileSync('mkfifo', [fifo]);
    await expect(store.saveFile(fifo)).rejects.toThrow(/is not a regular file/);
    const folder = path.join(root, 'folder.conf');
    fs.mkdirSync(folder);
    await expect(store.saveFile(folder)).rejects.toThrow(/is a folder/);
    expect(fs.existsSync(path.join(runDir, 'files.json'))).toBe(false);
    // A queue that refused still serves the next save.
    const fine = path.join(root, 'fine.conf');
    fs.writeFileSync(fine, 'ok');
    await store.saveFile(fine);
    fs.writeFileSync(fine, 'changed');
    await store.restoreFile(fine);
    expect(fs.readFileSync(fine, 'utf8')).toBe('ok');
  });

  it('restores a changed file byte for byte; the first save wins', async () => {
    const { root, store, runDir } = setup();
    const file = path.join(root, 'app.conf');
    const original = Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a, 0xc3, 0xa9, 0x00, 0xff]);
    fs.writeFileSync(file, original);
    await store.saveFile(file);
    fs.writeFileSync(file, 'half-done change');
    await store.saveFile(file);
    fs.writeFileSync(file, 'final change');
    await store.restoreFile(file);
    expect(fs.readFileSync(file).equals(original)).toBe(true);
    for (const name of fs.readdirSync(path.join(runDir, 'files')))
      expect(fs.statSync(path.join(runDir, 'files', name)).mode & 0o777).toBe(0o600);
  });

  it('removes a file that did not exist before; leaves alone a file it never saved', async () => {
    const { root, store } = setup();
    const created = path.join(root, 'new.conf');
    await store.saveFile(created);
    fs.writeFileSync(created, 'created by the run');
    await store.restoreFile(created);
    expect(fs.existsSync(created)).toBe(false);
    const untouched = path.join(root, 'other.conf');
    fs.writeFileSync(untouched, 'x');
    await store.restoreFile(untouched);
    expect(fs.readFileSync(untouched, 'utf8')).toBe('x');
  });

  it('keeps values in a 0600 file, first save of a key kept', async () => {
    const { store, runDir } = setup();
    await store.saveValues('row:admin', { hash: 'old' });
    await store.saveValues('row:admin', { hash: 'newer' });
    expect(await store.loadValues('row:admin')).toEqual({ hash: 'old' });
    expect(await store.loadValues('missing')).toBeUndefined();
    expect(fs.statSync(path.join(runDir, 'backup-values.json')).mode & 0o777).toBe(0o600);
  });
});
