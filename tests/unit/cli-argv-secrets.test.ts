import { describe, expect, it } from 'vitest';
import { refuseSecretsOnArgv, SecretOnCommandLine } from '../../src/main/cli/argv-secrets.js';
import { defaultDataDir } from '../../src/main/api/data-dir.js';

const fields = new Set(['newPassword', 'apiToken']);

describe('secrets on argv', () => {
  it.each([
    ['--password', 'x'],
    ['--password=hunter2'],
    ['-pwd'],
    ['--db-password=x'],
    ['--api-key', 'k'],
    ['--TOKEN=abc'],
    ['newPassword=abc'],
    ['--apiToken=abc'],
  ])('refuses %s', (...argv) => {
    expect(() => refuseSecretsOnArgv(argv, fields)).toThrow(SecretOnCommandLine);
  });

  it('never echoes the value', () => {
    const message = (() => {
      try {
        refuseSecretsOnArgv(['--password=hunter2'], fields);
      } catch (error) {
        return (error as Error).message;
      }
      return 'not refused';
    })();
    expect(message).toContain('--password=…');
    expect(message).not.toContain('hunter2');
  });

  it.each([
    ['run', 'practice.drill', '--input', 'in.json', '--yes'],
    ['hash', 'outsystems'],
    ['report', 'x', '--out', 'passwords.md'],
    ['plan', 'p', '--input', 'password-rotation.yaml'],
  ])('lets %s through', (...argv) => {
    expect(() => refuseSecretsOnArgv(argv, fields)).not.toThrow();
  });
});

describe('data dir', () => {
  it('BREAKGLASS_DATA_DIR wins; else the per-user folder of the platform', () => {
    expect(defaultDataDir({ BREAKGLASS_DATA_DIR: '/srv/bg' }, 'linux')).toBe('/srv/bg');
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/breakglass');
    expect(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32')).toMatch(/Breakglass$/);
  });
});
