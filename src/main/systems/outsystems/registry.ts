/** The Platform Server's install folder and version from the registry, through `reg.exe query`. */
import type { Exec } from '../../platform/exec/types.js';

export const INSTALLER_KEY = 'HKLM\\SOFTWARE\\OutSystems\\Installer\\Server';
export const DEFAULT_INSTALL_DIR = 'C:\\Program Files\\OutSystems\\Platform Server';

export interface RegistryInstall {
  installDir?: string;
  version?: string;
  /** Why the registry gave nothing (reg.exe missing, key absent, access denied). */
  problem?: string;
}

export async function readInstallFromRegistry(exec: Exec): Promise<RegistryInstall> {
  const defaultValue = await queryValue(exec, ['/ve']);
  if ('problem' in defaultValue) return { problem: defaultValue.problem };
  const version = await queryValue(exec, ['/v', 'Server']);
  return {
    installDir: defaultValue.value?.replace(/\\+$/, ''),
    version: 'value' in version ? version.value : undefined,
  };
}

/**
 * The data of the first `REG_*` line of `reg query` output. Parsed by position, not by name:
 * the `(Default)` label is localised ("(Standard)", "(Par défaut)").
 */
export function parseRegQueryValue(stdout: string): string | undefined {
  for (const line of stdout.split(/\r?\n/)) {
    const match =
      /^\s+.*?\s{2,}(REG_[A-Z_]+)\s{2,}(.*)$/.exec(line) ?? /^\s+.*?\s{2,}(REG_[A-Z_]+)\s*$/.exec(line);
    if (match) return match[2]?.trim() ?? '';
  }
  return undefined;
}

async function queryValue(
  exec: Exec,
  valueArgs: string[],
): Promise<{ value?: string } | { problem: string }> {
  let result;
  try {
    result = await exec.run({
      program: 'reg.exe',
      args: ['query', INSTALLER_KEY, ...valueArgs],
      timeoutMs: 15_000,
    });
  } catch (error) {
    return { problem: `reg.exe could not be run (${(error as Error).message})` };
  }
  if (result.exitCode !== 0) {
    const message = `${result.stderr} ${result.stdout}`.replace(/\s+/g, ' ').trim();
    return {
      problem: `the registry key ${INSTALLER_KEY} could not be read (${message || `exit code ${result.exitCode}`})`,
    };
  }
  const value = parseRegQueryValue(result.stdout);
  // An unset (Default) value has no data; older reg.exe prints "(value not set)".
  return { value: value && !/^\(.*\)$/.test(value) ? value : undefined };
}
