/**
 * The config files that carry the platform's connection strings besides server.hsconf: each
 * module's `running\<Module>.<suffix>\appSettings.config` (only the newest folder of a module is
 * live: OSDiagTool keeps the newest by creation time) and the two .NET 4 `machine.config` files.
 * Both are `<add key="…" value="…"/>` lists under `<appSettings>`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import type { Environment } from '../../engine/types.js';
import { readRegularFile, UnreadableFileError } from '../../platform/files/read-regular-file.js';
import { escapeXmlAttribute } from '../../../shared/xml-escape.js';

export const RUNNING_DIR = 'running';
export const APP_SETTINGS_FILE = 'appSettings.config';

export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

export interface LiveModule {
  module: string;
  /** The newest `<Module>.<suffix>` folder. */
  folder: string;
  /** Older folders of the same module, left alone (they would show false "old password" hits). */
  staleFolders: string[];
}

/** The live folder of each module under `<install>\running` (plain files there are skipped). */
export async function liveModules(installDir: string): Promise<LiveModule[]> {
  const running = path.join(installDir, RUNNING_DIR);
  let names: string[];
  try {
    names = (await fs.readdir(running, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigFileError(
      `${running} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}). Run Breakglass as administrator.`,
    );
  }
  const byModule = new Map<string, Array<{ folder: string; created: number }>>();
  for (const name of names) {
    const dot = name.lastIndexOf('.');
    const module = dot > 0 ? name.slice(0, dot) : name;
    const stat = await fs.stat(path.join(running, name));
    // Creation time where the file system keeps it; else the last change of the folder.
    const created = stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
    byModule.set(module, [...(byModule.get(module) ?? []), { folder: path.join(running, name), created }]);
  }
  return [...byModule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([module, folders]) => {
      const sorted = [...folders].sort((a, b) => b.created - a.created || b.folder.localeCompare(a.folder));
      return {
        module,
        folder: (sorted[0] as { folder: string }).folder,
        staleFolders: sorted.slice(1).map((entry) => entry.folder),
      };
    });
}

/** The `key` → `value` pairs of every `<add>` inside `<appSettings>`; malformed XML is an error naming the file. */
export function parseAppSettings(text: string, sourceName: string): Map<string, string> {
  const entries = new Map<string, string>();
  const parser = new SaxesParser();
  const stack: string[] = [];
  let failure: string | undefined;
  parser.on('error', (error) => {
    failure ??= error.message;
  });
  parser.on('opentag', (tag) => {
    const attributes = tag.attributes as Record<string, string>;
    if (tag.name === 'add' && stack.at(-1) === 'appSettings' && attributes.key !== undefined)
      entries.set(attributes.key, attributes.value ?? '');
    if (!tag.isSelfClosing) stack.push(tag.name);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  try {
    parser.write(text.replace(/^\uFEFF/, '')).close();
  } catch (error) {
    failure ??= (error as Error).message;
  }
  if (failure) throw new ConfigFileError(`${sourceName} is not well-formed XML (${failure}).`);
  return entries;
}

/** A module's appSettings.config is a few KiB; a file this large is not one. */
const MAX_CONFIG_FILE_BYTES = 8 * 1024 * 1024;

export async function readAppSettingsFile(filePath: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = (await readRegularFile(filePath, MAX_CONFIG_FILE_BYTES)).bytes.toString('utf8');
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new ConfigFileError(error.message);
    throw error;
  }
  return parseAppSettings(text, filePath);
}

/** An appSettings.config as the platform writes it: `<appSettings>` with one `<add>` per key. */
export function renderAppSettings(entries: ReadonlyMap<string, string>): string {
  const lines = [...entries].map(
    ([key, value]) => `  <add key="${escapeXmlAttribute(key)}" value="${escapeXmlAttribute(value)}" />`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>\r\n<appSettings>\r\n${lines.join('\r\n')}\r\n</appSettings>\r\n`;
}

/** A machine.config reduced to what matters here: `<configuration><appSettings>…`. */
export function renderMachineConfig(entries: ReadonlyMap<string, string>): string {
  const lines = [...entries].map(
    ([key, value]) => `    <add key="${escapeXmlAttribute(key)}" value="${escapeXmlAttribute(value)}" />`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <configSections />\r\n  <appSettings>\r\n${lines.join('\r\n')}\r\n  </appSettings>\r\n</configuration>\r\n`;
}

const MACHINE_CONFIG_TAIL = ['v4.0.30319', 'CONFIG', 'machine.config'];

/** Both .NET 4 machine.config files: under %WINDIR% on Windows, under the practice tree in the sandbox. */
export function machineConfigPaths(env: Pick<Environment, 'kind' | 'sandboxRoot'>): string[] {
  if (env.kind === 'sandbox' && env.sandboxRoot) {
    const root = path.join(env.sandboxRoot, 'Windows', 'Microsoft.NET');
    return ['Framework', 'Framework64'].map((framework) =>
      path.join(root, framework, ...MACHINE_CONFIG_TAIL),
    );
  }
  const windows = process.env.WINDIR || process.env.SystemRoot || 'C:\\Windows';
  return ['Framework', 'Framework64'].map((framework) =>
    path.win32.join(windows, 'Microsoft.NET', framework, ...MACHINE_CONFIG_TAIL),
  );
}
