/**
 * Runs `<install>\ConfigurationTool.com` with its documented switches, in the install folder.
 * Exit code 0 is success; anything else shows the tail of the tool's log, redacted. Switches that
 * take a password put it on the command line, where every user of the machine can read it: they
 * run only when the caller accepts that explicitly, and the preferred path is editing server.hsconf
 * and applying it with /UpgradeInstall.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Redactor } from '../../../shared/redact.js';
import type { StepDescriptionInput } from '../../../shared/procedure.js';
import { decodeConsoleOutput } from '../../platform/exec/output-capture.js';
import type { Exec, ExecResult } from '../../platform/exec/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { isAtLeast } from './platform-version.js';

export const CONFIG_TOOL_PROGRAM = 'ConfigurationTool.com';
export const DEFAULT_CONFIG_TOOL_LOG = 'C:\\Windows\\Temp\\ConfigurationTool.log';
const LOG_TAIL_LINES = 40;
const LOG_TAIL_MAX_BYTES = 256 * 1024;
const DEFAULT_TIMEOUT_MS = 60 * 60_000;

export interface DbCredential {
  user: string;
  password: string;
}

export type ConfigToolSwitch =
  /** Create/Update Database from server.hsconf; admin credentials are needed on SQL Server (none on Oracle). */
  | { name: 'SetupInstall'; platformAdmin?: DbCredential; logAdmin?: DbCredential }
  /** Applies the configuration without checking database permissions (a front-end after copying server.hsconf). */
  | { name: 'UpgradeInstall'; integratedAuthAdminPassword?: string }
  | { name: 'RebuildSession'; session: DbCredential }
  | { name: 'InstallServiceCenter' }
  | { name: 'InstallSystemComponents' }
  | { name: 'UpgradeEnvironment' }
  /** 11.10+: restarts this server's services; on the controller also applies settings to all modules. Alone on its command line. */
  | { name: 'ApplySettingsFactory' }
  | { name: 'SetPlatformServerAdminPassword'; password: string };

export interface ConfigToolInvocation {
  installDir: string;
  switches: ConfigToolSwitch[];
  /** /WithWindowsAuthentication <pwd> (11.28+): the integrated-auth admin password for the other switches. */
  windowsAuthenticationPassword?: string;
  /** Must be true to run a command line that carries a password. */
  acceptPasswordOnCommandLine?: boolean;
  /** Where the tool logs; injectable for tests. */
  logPath?: string;
  platformVersion?: string;
  /** More values to mask in output and the log tail (e.g. database passwords the log may hold). */
  secrets?: readonly string[];
  timeoutMs?: number;
}

export class ConfigToolError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    /** The log's last lines, redacted. */
    readonly logTail: string[],
  ) {
    super(message);
    this.name = 'ConfigToolError';
  }
}

export interface ConfigToolOutcome {
  stdout: string;
  warnings: string[];
}

const PASSWORD_WARNING =
  'This command line carries a password: while it runs, any user of this machine can read it in the process list. ' +
  'Prefer writing the new value into server.hsconf (Breakglass encrypts it with private.key) and applying it with /UpgradeInstall.';

export class ConfigurationToolRun {
  private readonly args: string[];
  private readonly argvPasswords: string[];
  private readonly redactor: Redactor;

  constructor(private readonly invocation: ConfigToolInvocation) {
    validate(invocation);
    const built = buildArguments(invocation);
    this.args = built.args;
    this.argvPasswords = built.passwords;
    this.redactor = new Redactor([...built.passwords, ...(invocation.secrets ?? [])]);
  }

  get program(): string {
    return path.join(this.invocation.installDir, CONFIG_TOOL_PROGRAM);
  }

  get logPath(): string {
    return this.invocation.logPath ?? DEFAULT_CONFIG_TOOL_LOG;
  }

  get exposesPasswordOnCommandLine(): boolean {
    return this.argvPasswords.length > 0;
  }

  /** Older Platform Servers write credentials to the log in plain text. */
  get logHoldsCredentials(): boolean {
    return isAtLeast(this.invocation.platformVersion, '11.16') === false;
  }

  warnings(): string[] {
    const warnings: string[] = [];
    if (this.exposesPasswordOnCommandLine) warnings.push(PASSWORD_WARNING);
    if (this.logHoldsCredentials) {
      warnings.push(
        `Platform Server ${this.invocation.platformVersion} (before 11.16) writes credentials to ${this.logPath} in plain text: scrub the log after the run.`,
      );
    }
    return warnings;
  }

  /** The step's description: the exact command with passwords masked, and why it may be risky. */
  describe(): StepDescriptionInput {
    return {
      summary: `Run the Configuration Tool: ${this.switchNames()}`,
      command: {
        program: this.program,
        args: this.args.map((arg) => this.redactor.redact(arg)),
        cwd: this.invocation.installDir,
      },
      details: [
        `Exit code 0 means success; on failure the last ${LOG_TAIL_LINES} lines of ${this.logPath} are shown.`,
      ],
      warnings: this.warnings(),
    };
  }

  async run(exec: Exec): Promise<ConfigToolOutcome> {
    if (this.exposesPasswordOnCommandLine && !this.invocation.acceptPasswordOnCommandLine) {
      throw new ConfigToolError(
        `Refusing to run ${CONFIG_TOOL_PROGRAM} ${this.switchNames()}: ${PASSWORD_WARNING} To run it anyway, accept the command-line exposure explicitly.`,
        null,
        [],
      );
    }
    // Passwords the admin accepted on argv cannot also be listed as secrets (Exec would refuse); they are masked here instead.
    const maskedByExec = (this.invocation.secrets ?? []).filter(
      (secret) => !this.args.some((arg) => arg.includes(secret)),
    );
    let result: ExecResult;
    try {
      result = await exec.run({
        program: this.program,
        args: this.args,
        cwd: this.invocation.installDir,
        secrets: maskedByExec,
        timeoutMs: this.invocation.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (error) {
      throw new ConfigToolError(this.redactor.redact((error as Error).message), null, []);
    }
    if (result.exitCode === 0 && !result.timedOut)
      return { stdout: this.redactor.redact(result.stdout), warnings: this.warnings() };
    const tail = await this.logTail();
    const outcome = result.timedOut
      ? 'did not finish in time and was stopped'
      : `failed with exit code ${result.exitCode}`;
    const output = this.redactor.redact(`${result.stdout}\n${result.stderr}`.trim());
    throw new ConfigToolError(
      [
        `The Configuration Tool (${this.switchNames()}) ${outcome}.`,
        ...(output ? [`Its output: ${output}`] : []),
        tail.length > 0 ? `Last lines of ${this.logPath}:` : `${this.logPath} could not be read.`,
        ...tail,
      ].join('\n'),
      result.exitCode,
      tail,
    );
  }

  private switchNames(): string {
    return this.invocation.switches.map((entry) => `/${entry.name}`).join(' ');
  }

  private async logTail(): Promise<string[]> {
    try {
      return (await readLastLines(this.logPath, LOG_TAIL_LINES)).map((line) => this.redactor.redact(line));
    } catch {
      return [];
    }
  }
}

/** Replaces every occurrence of the secrets in the Configuration Tool's log with the mask; returns how many. */
export async function scrubConfigToolLog(logPath: string, secrets: readonly string[]): Promise<number> {
  const bytes = await fs.readFile(logPath);
  const text = decodeConsoleOutput(bytes);
  const encoding: BufferEncoding = Buffer.from(text, 'utf8').equals(bytes) ? 'utf8' : 'latin1';
  const scrubbed = new Redactor(secrets).redact(text);
  if (scrubbed === text) return 0;
  const count = [...new Set(secrets)].reduce(
    (sum, secret) => sum + (secret ? text.split(secret).length - 1 : 0),
    0,
  );
  await writeFileAtomic(logPath, Buffer.from(scrubbed, encoding));
  return count;
}

function validate(invocation: ConfigToolInvocation): void {
  const { switches } = invocation;
  if (switches.length === 0) throw new Error('switches: give at least one Configuration Tool switch.');
  const names = switches.map((entry) => entry.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`switches: /${duplicate} appears twice.`);
  if (
    names.includes('ApplySettingsFactory') &&
    (switches.length > 1 || invocation.windowsAuthenticationPassword !== undefined)
  ) {
    throw new Error(
      'switches: /ApplySettingsFactory must be alone on its command line; run the other switches separately.',
    );
  }
  for (const entry of switches) {
    if (entry.name === 'SetupInstall' && entry.logAdmin && !entry.platformAdmin) {
      throw new Error(
        'switches: /SetupInstall takes the log admin credentials only after the platform admin credentials.',
      );
    }
    if (entry.name === 'RebuildSession' && (!entry.session.user || !entry.session.password)) {
      throw new Error('switches: /RebuildSession needs the session user and password.');
    }
  }
  if (
    invocation.windowsAuthenticationPassword !== undefined &&
    isAtLeast(invocation.platformVersion, '11.28') === false
  ) {
    throw new Error(
      `windowsAuthenticationPassword: /WithWindowsAuthentication needs Platform Server 11.28 or later (this is ${invocation.platformVersion}).`,
    );
  }
}

function buildArguments(invocation: ConfigToolInvocation): { args: string[]; passwords: string[] } {
  const args: string[] = [];
  const passwords: string[] = [];
  const password = (value: string) => {
    passwords.push(value);
    args.push(value);
  };
  for (const entry of invocation.switches) {
    args.push(`/${entry.name}`);
    switch (entry.name) {
      case 'SetupInstall':
        for (const credential of [entry.platformAdmin, entry.logAdmin]) {
          if (!credential) continue;
          args.push(credential.user);
          password(credential.password);
        }
        break;
      case 'UpgradeInstall':
        if (entry.integratedAuthAdminPassword !== undefined) password(entry.integratedAuthAdminPassword);
        break;
      case 'RebuildSession':
        args.push(entry.session.user);
        password(entry.session.password);
        break;
      case 'SetPlatformServerAdminPassword':
        password(entry.password);
        break;
      default:
        break;
    }
  }
  if (invocation.windowsAuthenticationPassword !== undefined) {
    args.push('/WithWindowsAuthentication');
    password(invocation.windowsAuthenticationPassword);
  }
  return { args, passwords };
}

async function readLastLines(filePath: string, count: number): Promise<string[]> {
  const handle = await fs.open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, LOG_TAIL_MAX_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = decodeConsoleOutput(buffer).split(/\r?\n/);
    if (length < size) lines.shift(); // the first line is probably cut
    while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}
