import { randomBytes } from 'node:crypto';

/** Run ids sort by start time: `20261123T062136123Z-3f9a1c`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

const RUN_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

/** Run ids become directory names: anything else (e.g. `../x`) is rejected before touching the disk. */
export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}
