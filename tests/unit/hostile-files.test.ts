/** The one bounded reader for files the user points at, and the places beyond input files that use it. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  readRegularFile,
  readRegularFileSync,
  UnreadableFileError,
} from '../../src/main/platform/files/read-regular-file.js';
import { hashCommand } from '../../src/main/cli/commands/hash.js';
import { HttpError } from '../../src/main/platform/http/errors.js';
import { readCaFile } from '../../src/main/platform/http/trust.js';
import { ConfigFileError, readAppSettingsFile } from '../../src/main/systems/outsystems/module-configs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-hostile-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

async function reasonOf(file: string, maxBytes = 1024): Promise<string[]> {
  const reasons: string[] = [];
  for (const read of [
    () => readRegularFile(file, maxBytes),
    async () => readRegularFileSync(file, maxBytes),
  ]) {
    const error = await read().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnreadableFileError);
    reasons.push((error as UnreadableFileError).reason);
  }
  return reasons;
}

describe.runIf(process.platform !== 'win32')('readRegularFile', () => {
  it('reads a regular file, also through a link, with the stat of what it read', async () => {
    fs.writeFileSync(at('plain.txt'), 'hello', { mode: 0o640 });
    fs.symlinkSync(at('plain.txt'), at('link.txt'));
    const read = await readRegularFile(at('link.txt'), 1024);
    expect(read.bytes.toString()).toBe('hello');
    expect(read.stat.mode & 0o777).toBe(0o640);
    expect(readRegularFileSync(at('plain.txt'), 5).bytes.toString()).toBe('hello');
  });

  it('refuses devices, FIFOs, folders and links to them at once, by reason', async () => {
    execFileSync('mkfifo', [at('fifo')]);
    fs.symlinkSync('/dev/zero', at('zero'));
    fs.symlinkSync(at('fifo'), at('fifo-link'));
    fs.mkdirSync(at('folder'));
    const started = Date.now();
    for (const file of ['/dev/zero', '/dev/urandom', '/dev/null', at('fifo'), at('zero'), at('fifo-link')])
      expect(await reasonOf(file), file).toEqual(['not-regular', 'not-regular']);
    expect(await reasonOf(at('folder'))).toEqual(['folder', 'folder']);
    expect(await reasonOf(at('missing'))).toEqual(['missing', 'missing']);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a file over the limit, by one byte', async () => {
    fs.writeFileSync(at('big'), Buffer.alloc(1025));
    expect(await reasonOf(at('big'))).toEqual(['too-large', 'too-large']);
    fs.writeFileSync(at('exact'), Buffer.alloc(1024));
    expect((await readRegularFile(at('exact'), 1024)).bytes.length).toBe(1024);
  });

  it('a CA file given for HTTPS that is a FIFO or a link to /dev/zero is a clear error, not a hang', () => {
    for (const file of [at('fifo'), at('zero')]) {
      let error: unknown;
      try {
        readCaFile(file);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(HttpError);
      expect((error as Error).message).toMatch(/The CA file .* cannot be used: .*not a regular file/);
    }
  });

  it('hash --pepper-file refuses a FIFO or a link to /dev/zero at once, exit 2', async () => {
    for (const file of [at('fifo'), at('zero')]) {
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await hashCommand(['synapse', '--pepper-file', file], {
        stdin: Readable.from([Buffer.from('pw\n')]),
        stdout: new PassThrough(),
        stderr,
        env: {},
        cwd: dir,
      });
      expect(code).toBe(2);
      expect(err).toMatch(/--pepper-file: .* is not a regular file/);
    }
  });

  it("a module's appSettings.config that is a FIFO or a link to /dev/zero is a ConfigFileError at once", async () => {
    for (const file of [at('fifo'), at('zero')]) {
      const error = await readAppSettingsFile(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigFileError);
      expect((error as Error).message).toMatch(/not a regular file/);
    }
  });
});
