import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mimeTypeFor, readStaticFile, resolveStaticPath } from '../../src/main/host/static-files.js';

let base: string;
let root: string;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-static-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'a b.css'), 'body{}');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'outside the root');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  fs.mkdirSync(path.join(base, 'renderer-evil'));
  fs.writeFileSync(path.join(base, 'renderer-evil', 'x.js'), 'sibling with a common prefix');
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('static files of the built renderer', () => {
  it('serves files inside the root with their MIME type, and / as index.html', async () => {
    expect(await readStaticFile(root, '/')).toMatchObject({ contentType: 'text/html; charset=utf-8' });
    const script = await readStaticFile(root, '/assets/app.js?v=1');
    expect(script?.contentType).toBe('text/javascript; charset=utf-8');
    expect(script?.body.toString()).toBe('console.log(1)');
    expect((await readStaticFile(root, '/assets/a%20b.css'))?.contentType).toBe('text/css; charset=utf-8');
    expect(mimeTypeFor('x.unknown')).toBe('application/octet-stream');
  });

  it('refuses every way out of the root: dot segments, encoded ones, backslashes, NUL, symlinks, prefix siblings', async () => {
    for (const urlPath of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%5csecret.txt',
      '/assets\\..\\..\\secret.txt',
      '/index.html%00.js',
      '/assets/link.txt',
      '/../renderer-evil/x.js',
      '/%E0%A4%A',
      '/assets',
      '/missing.js',
    ]) {
      expect(await resolveStaticPath(root, urlPath), urlPath).toBeUndefined();
    }
  });

  it('answers undefined for a root that does not exist', async () => {
    expect(await readStaticFile(path.join(base, 'nope'), '/')).toBeUndefined();
  });
});
