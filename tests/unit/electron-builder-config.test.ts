import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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
