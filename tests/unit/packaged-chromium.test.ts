/**
 * Issue 16: an interrupted first unpacking of the test browser left a 0-byte binary that every later
 * run trusted. The cache is now renamed into place only when complete, and a cache that does not
 * match its manifest is unpacked again.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagedChromium } from '../support/packaged-chromium.js';

function version(unpacked: Awaited<ReturnType<typeof packagedChromium>>): string {
  return execFileSync(unpacked.executablePath, ['--version'], {
    env: { ...process.env, ...unpacked.env },
    encoding: 'utf8',
  });
}

describe('the packaged test browser', () => {
  it('repairs a cache left broken by an interrupted unpacking, and two runs unpacking at once agree', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-chromium-cache-'));
    const first = await packagedChromium(root);
    const cacheDir = path.dirname(first.executablePath);
    // What an interrupted unpacking leaves: the binary cut to nothing.
    fs.truncateSync(first.executablePath, 0);

    const [a, b] = await Promise.all([packagedChromium(root), packagedChromium(root)]);
    expect(a.executablePath).toBe(first.executablePath);
    expect(b.executablePath).toBe(first.executablePath);
    expect(fs.statSync(first.executablePath).size).toBeGreaterThan(1_000_000);
    expect(version(a)).toMatch(/^Chromium \d+\./);
    expect(fs.readFileSync(path.join(cacheDir, 'fonts.conf'), 'utf8')).toContain(
      path.join(cacheDir, 'fonts'),
    );
    // No half-unpacked folder is left beside it.
    expect(fs.readdirSync(root)).toEqual([path.basename(cacheDir)]);
    fs.rmSync(root, { recursive: true, force: true });
  }, 120_000);
});
