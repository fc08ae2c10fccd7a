/**
 * Issue 16: `npm ci` warned EBADENGINE while package.json claimed Node >= 20.19. The claim is kept
 * true for everything that runs (the CLI, the web host, the app's main process and its
 * dependencies); only Electron's download and packaging tooling, used by the postinstall download of
 * Electron and by `npm run dist`, needs a newer Node, and the README says so.
 */
import fs from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}

const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockPackage>;
};
const oldestNode = semver.minVersion(manifest.engines.node)?.version ?? '';

function excludesOldestNode([, entry]: [string, LockPackage]): boolean {
  const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
  return node !== undefined && !semver.satisfies(oldestNode, node);
}

describe('the declared Node engine', () => {
  it('holds for every package that runs in the product', () => {
    expect(oldestNode).toBe('20.19.0');
    const shipped = Object.entries(lock.packages).filter(([name, entry]) => name !== '' && !entry.dev);
    expect(shipped.length).toBeGreaterThan(20);
    expect(shipped.filter(excludesOldestNode).map(([name]) => name)).toEqual([]);
  });

  it('is exceeded only by development tooling (Electron’s download and packaging), which the README names', () => {
    const needNewer = Object.entries(lock.packages).filter(excludesOldestNode);
    expect(needNewer.map(([name]) => name)).toContain('node_modules/electron');
    expect(needNewer.filter(([, entry]) => !entry.dev).map(([name]) => name)).toEqual([]);
    expect(fs.readFileSync('README.md', 'utf8')).toContain('Node.js 22.12');
  });
});
