/**
 * The Event Log reader on wevtutil's documented XML (`/f:xml /e:Events`). The fixture is assembled
 * from the reference's real shapes: SQL Server's 18456 event as recorded, and the OutSystems services'
 * documented texts in the classic .NET EventLog shape (one Data item).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EventLogError,
  eventLogArgs,
  loginFailureEvents,
  parseEvents,
  readEventLogLoginFailures,
} from '../../src/main/systems/outsystems/event-log.js';
import type { Exec } from '../../src/main/platform/exec/types.js';

const AFTER_ROTATION = fs.readFileSync('tests/fixtures/outsystems/eventlog/after-rotation.xml', 'utf8');

describe('Windows Event Log: login failures', () => {
  it('parses providers, times, levels and data, and finds the three login failures (not the start message)', () => {
    const events = parseEvents(AFTER_ROTATION);
    expect(events.map((event) => [event.provider, event.level])).toEqual([
      ['OutSystems Log Service', 2],
      ['OutSystems SMS Connector Service', 3],
      ['MSSQLSERVER', 0],
      ['OutSystems Deployment Service', 4],
    ]);
    const failures = loginFailureEvents(events);
    expect(failures.map((failure) => [failure.provider, failure.user])).toEqual([
      ['MSSQLSERVER', 'OSRuntime'],
      ['OutSystems Log Service', 'OSRuntime'],
      ['OutSystems SMS Connector Service', 'OSRuntime'],
    ]);
    expect(failures[0]?.time.toISOString()).toBe('2026-12-01T22:14:04.450Z');
  });

  it('recognises Oracle’s ORA-01017 and the newer "Logon failed" wording', () => {
    const xml = `<Events><Event><System><Provider Name="OutSystems Deployment Service"/><EventID>0</EventID><Level>3</Level><TimeCreated SystemTime="2026-12-01T10:00:00Z"/></System><EventData><Data>Error opening connection to the database: ORA-01017: invalid username/password; logon denied</Data></EventData></Event><Event><System><Provider Name="MSSQLSERVER"/><EventID>17</EventID><Level>2</Level><TimeCreated SystemTime="2026-12-01T10:01:00Z"/></System><EventData><Data>Logon failed for user 'OSADMIN_LOG'. Reason: Password did not match that for the login provided.</Data></EventData></Event></Events>`;
    expect(loginFailureEvents(parseEvents(xml)).map((failure) => failure.user ?? '(none)')).toEqual([
      '(none)',
      'OSADMIN_LOG',
    ]);
  });

  it('asks wevtutil for one XML document of the sources, newest first, within the window', () => {
    const args = eventLogArgs(3_600_000);
    expect(args.slice(0, 2)).toEqual(['qe', 'Application']);
    expect(args).toContain('/e:Events');
    expect(args).toContain('/rd:true');
    expect(args.find((arg) => arg.startsWith('/q:'))).toContain(
      "Provider[@Name='OutSystems Deployment Controller Service' or @Name='OutSystems Deployment Service'",
    );
    expect(args.find((arg) => arg.startsWith('/q:'))).toContain('timediff(@SystemTime) <= 3600000');
  });

  it('reports malformed output and a failing wevtutil clearly', async () => {
    expect(() => parseEvents('<Event><System>')).toThrow(EventLogError);
    const failing: Exec = {
      run: () =>
        Promise.resolve({
          exitCode: 15007,
          signal: null,
          stdout: '',
          stderr: 'Failed to open channel. The specified channel could not be found.',
          timedOut: false,
          durationMs: 5,
        }),
    };
    await expect(readEventLogLoginFailures(failing, 1000)).rejects.toThrow(
      /wevtutil failed \(exit 15007\): Failed to open channel/,
    );
  });
});
