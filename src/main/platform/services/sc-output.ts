/**
 * Parsers for sc.exe output. The field labels (SERVICE_NAME, STATE, START_TYPE) are not
 * localised, and the numeric state and start-type codes are read rather than the words after them.
 */
import type { ServiceStartType, ServiceState } from './types.js';

export interface ScServiceEntry {
  name: string;
  displayName?: string;
  state: ServiceState;
}

const STATE_BY_CODE: Record<string, ServiceState> = {
  '1': 'stopped',
  '2': 'start-pending',
  '3': 'stop-pending',
  '4': 'running',
  '5': 'start-pending', // CONTINUE_PENDING
  '6': 'paused', // PAUSE_PENDING
  '7': 'paused',
};

const START_TYPE_BY_CODE: Record<string, ServiceStartType> = {
  '0': 'auto', // BOOT_START (drivers)
  '1': 'auto', // SYSTEM_START (drivers)
  '2': 'auto',
  '3': 'manual',
  '4': 'disabled',
};

/** Every service block in `sc query` output (one for `sc query <name>`, many for an enumeration). */
export function parseScQuery(text: string): ScServiceEntry[] {
  const entries: ScServiceEntry[] = [];
  let current: ScServiceEntry | undefined;
  for (const line of text.split(/\r?\n/)) {
    const field = /^\s*([A-Z_0-9]+)\s*:\s?(.*)$/.exec(line);
    if (!field) continue;
    const [, label, rawValue = ''] = field;
    const value = rawValue.trim();
    if (label === 'SERVICE_NAME') {
      current = { name: value, state: 'unknown' };
      entries.push(current);
    } else if (current && label === 'DISPLAY_NAME') {
      current.displayName = value;
    } else if (current && label === 'STATE') {
      current.state = STATE_BY_CODE[value.split(/\s+/)[0] ?? ''] ?? 'unknown';
    }
  }
  return entries;
}

/** START_TYPE and DISPLAY_NAME from `sc qc <name>`. */
export function parseScQueryConfig(text: string): { startType: ServiceStartType; displayName?: string } {
  const startCode = /^\s*START_TYPE\s*:\s*(\d+)/m.exec(text)?.[1];
  const displayName = /^\s*DISPLAY_NAME\s*:\s?(.*)$/m.exec(text)?.[1]?.trim();
  return {
    startType: START_TYPE_BY_CODE[startCode ?? ''] ?? 'unknown',
    displayName: displayName || undefined,
  };
}

/** The message sc.exe prints under its `[SC] <Call> FAILED <code>:` line, on one line. */
export function scFailureMessage(text: string): string {
  const lines = text.split(/\r?\n/);
  const failedAt = lines.findIndex((line) => /\[SC\].*FAILED\s+\d+/.test(line));
  const message = lines
    .slice(failedAt + 1)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
  return (
    message ||
    lines
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' ')
  );
}
