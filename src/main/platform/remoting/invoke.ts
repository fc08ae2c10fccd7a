/** Spawning the controller's powershell.exe with one of the remoting scripts, and reading its one result line. */
import { Redactor } from '../../../shared/redact.js';
import type { Exec, ExecRequest, ExecResult } from '../exec/types.js';
import { parseConsoleErrorRecord, remotingError, remotingErrorOfKind } from './errors.js';
import { REMOTING_SCRIPTS, RESULT_MARKER, type RemotingOperation } from './scripts.js';

export const DEFAULT_POWERSHELL = 'powershell.exe';

/**
 * -EncodedCommand, not `-Command -`: with `-Command -` stdin is the script itself, read line by line
 * as if typed, so the parameters would need another channel. -EncodedCommand carries the constant
 * script as one base64 argument (beyond the command line's quoting rules) and leaves stdin to the data.
 */
export const POWERSHELL_ARGS = [
  '-NoProfile',
  '-NonInteractive',
  '-ExecutionPolicy',
  'Bypass',
  '-EncodedCommand',
] as const;

const RAW_TEXT_LIMIT = 2000;

/** What -EncodedCommand takes: the script as UTF-16LE, in base64. */
export function encodeCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

export function decodeCommand(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

/** The parameters as the scripts read them from stdin: base64 of UTF-8 JSON (ASCII, whatever the console code page). */
export function encodeParameters(parameters: unknown): string {
  return `${Buffer.from(JSON.stringify(parameters), 'utf8').toString('base64')}\n`;
}

export function decodeParameters(stdin: string): unknown {
  return JSON.parse(Buffer.from(stdin.trim(), 'base64').toString('utf8'));
}

/** The result line as the scripts print it: the marker, then JSON with every non-ASCII character as \uXXXX. */
export function formatResultLine(value: unknown): string {
  const json = JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${RESULT_MARKER}${json}`;
}

export interface RemotingCall {
  computerName: string;
  powershell?: string;
  /** Values in the parameters that are secrets: masked in what comes back, refused on argv. */
  secrets?: readonly string[];
  timeoutMs?: number;
}

export function powershellRequest(
  operation: RemotingOperation,
  parameters: Record<string, unknown>,
  call: RemotingCall,
): ExecRequest {
  return {
    program: call.powershell ?? DEFAULT_POWERSHELL,
    args: [...POWERSHELL_ARGS, encodeCommand(REMOTING_SCRIPTS[operation])],
    stdin: encodeParameters({ computerName: call.computerName, ...parameters }),
    ...(call.secrets && call.secrets.length > 0 ? { secrets: call.secrets } : {}),
    ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
  };
}

/** Runs one script against one computer; the `ok: true` record, or a thrown RemotingError. */
export async function runRemoting(
  exec: Exec,
  operation: RemotingOperation,
  parameters: Record<string, unknown>,
  call: RemotingCall,
): Promise<Record<string, unknown>> {
  const result = await exec.run(powershellRequest(operation, parameters, call));
  return readResult(result, call.computerName, new Redactor(call.secrets ?? []));
}

/**
 * The script's `ok: true` record. A failed record, a console error block (PowerShell failed before
 * the script's own handling) or a timeout becomes a classified RemotingError; any other output is
 * 'unknown' with the raw text, redacted.
 */
export function readResult(
  result: ExecResult,
  computerName: string,
  redactor: Redactor = new Redactor(),
): Record<string, unknown> {
  if (result.timedOut) throw remotingErrorOfKind('timeout', computerName);
  const line = result.stdout
    .split(/\r?\n/)
    .reverse()
    .find((candidate) => candidate.startsWith(RESULT_MARKER));
  if (line !== undefined) {
    const record = parseRecord(line.slice(RESULT_MARKER.length));
    if (record?.ok === true) return record;
    const error = record?.error as { fullyQualifiedErrorId?: unknown; message?: unknown } | undefined;
    if (record?.ok === false && error && typeof error.message === 'string')
      throw remotingError(
        {
          message: error.message,
          ...(typeof error.fullyQualifiedErrorId === 'string' && error.fullyQualifiedErrorId !== ''
            ? { fullyQualifiedErrorId: error.fullyQualifiedErrorId }
            : {}),
        },
        computerName,
        redactor,
      );
  }
  const consoleRecord = parseConsoleErrorRecord(result.stderr);
  if (consoleRecord) throw remotingError(consoleRecord, computerName, redactor);
  const raw = `exit code ${String(result.exitCode)}; stdout: ${result.stdout.trim() || '(empty)'}; stderr: ${result.stderr.trim() || '(empty)'}`;
  throw remotingErrorOfKind('unknown', computerName, redactor.redact(raw).slice(0, RAW_TEXT_LIMIT));
}

function parseRecord(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
