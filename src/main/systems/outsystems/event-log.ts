/**
 * The Windows Application log, read with `wevtutil qe` through the exec adapter: the OutSystems
 * services' events and SQL Server's 18456 (login failed). After a password change the Log Service
 * cannot write its own failure to the Log database, so the Event Log is where it shows.
 * Events are parsed by Provider, TimeCreated, Level and every Data text, never by EventID (the
 * OutSystems services' ids are not documented).
 */
import { SaxesParser } from 'saxes';
import type { Exec } from '../../platform/exec/types.js';

export const WEVTUTIL_PROGRAM = 'wevtutil.exe';

/** The sources the OutSystems services log under, and SQL Server's default instance. */
export const EVENT_SOURCES = [
  'OutSystems Deployment Controller Service',
  'OutSystems Deployment Service',
  'OutSystems Log Service',
  'OutSystems Scheduler Service',
  'OutSystems SMS Connector Service',
  'OutSystems Platform',
  'OutSystems Configuration Tool',
  'MSSQLSERVER',
];

export interface LoggedEvent {
  provider: string;
  time: Date;
  /** 1 critical, 2 error, 3 warning, 4 information (0 for classic sources that set none). */
  level: number;
  eventId: number;
  /** Every Data item, in order; `text` joins them. */
  data: string[];
  text: string;
}

export interface EventLoginFailure {
  time: Date;
  provider: string;
  /** The login named in the text, when it names one. */
  user?: string;
  text: string;
}

export class EventLogError extends Error {}

/** `wevtutil qe Application` for the sources above, newest first, within the last `sinceMs`. `/e:Events` makes one XML document. */
export function eventLogArgs(sinceMs: number, count = 500): string[] {
  const providers = EVENT_SOURCES.map((name) => `@Name='${name}'`).join(' or ');
  return [
    'qe',
    'Application',
    `/q:*[System[Provider[${providers}] and TimeCreated[timediff(@SystemTime) <= ${Math.round(sinceMs)}]]]`,
    '/f:xml',
    '/e:Events',
    '/rd:true',
    `/c:${count}`,
  ];
}

export function parseEvents(xml: string): LoggedEvent[] {
  const parser = new SaxesParser();
  const events: LoggedEvent[] = [];
  const path: string[] = [];
  let current: { provider: string; time: string; level: string; eventId: string; data: string[] } | undefined;
  let text = '';
  let failure: string | undefined;
  parser.on('error', (error) => {
    failure ??= error.message;
  });
  parser.on('opentag', (tag) => {
    path.push(tag.name);
    text = '';
    const attributes = tag.attributes as Record<string, string>;
    if (tag.name === 'Event') current = { provider: '', time: '', level: '', eventId: '', data: [] };
    else if (current && tag.name === 'Provider') current.provider = attributes.Name ?? '';
    else if (current && tag.name === 'TimeCreated') current.time = attributes.SystemTime ?? '';
  });
  parser.on('text', (chunk) => (text += chunk));
  parser.on('closetag', (tag) => {
    path.pop();
    if (current && tag.name === 'Level') current.level = text.trim();
    else if (current && tag.name === 'EventID') current.eventId = text.trim();
    else if (current && tag.name === 'Data' && text.trim()) current.data.push(text.trim());
    else if (current && tag.name === 'Event') {
      events.push({
        provider: current.provider,
        time: new Date(current.time),
        level: Number(current.level) || 0,
        eventId: Number(current.eventId) || 0,
        data: current.data,
        text: current.data.join(' '),
      });
      current = undefined;
    }
    text = '';
  });
  parser.write(xml).close();
  if (failure) throw new EventLogError(`wevtutil's output is not the XML it documents (${failure}).`);
  return events;
}

const LOGIN_FAILED = /Log[io]n failed for user '([^']*)'|ORA-01017/i;

/** Events that say a database login failed: the OutSystems services' texts, ORA-01017, SQL Server's 18456. */
export function loginFailureEvents(events: readonly LoggedEvent[]): EventLoginFailure[] {
  const sqlServer18456 = (event: LoggedEvent) =>
    event.provider.startsWith('MSSQL') && event.eventId === 18456;
  return events
    .filter((event) => LOGIN_FAILED.test(event.text) || sqlServer18456(event))
    .map((event) => {
      // SQL Server's 18456 event carries the login as its first Data item.
      const user = sqlServer18456(event) ? event.data[0] : LOGIN_FAILED.exec(event.text)?.[1];
      return { time: event.time, provider: event.provider, text: event.text, ...(user ? { user } : {}) };
    })
    .sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** Runs wevtutil and returns the login failures of the last `sinceMs`. */
export async function readEventLogLoginFailures(exec: Exec, sinceMs: number): Promise<EventLoginFailure[]> {
  const result = await exec.run({
    program: WEVTUTIL_PROGRAM,
    args: eventLogArgs(sinceMs),
    timeoutMs: 60_000,
  });
  if (result.timedOut) throw new EventLogError('wevtutil did not answer within a minute.');
  // "No events were found" is exit 0 with an empty <Events/>; anything else non-zero is a real error.
  if (result.exitCode !== 0)
    throw new EventLogError(
      `wevtutil failed (exit ${String(result.exitCode)}): ${(result.stderr || result.stdout).trim().slice(0, 300)}`,
    );
  return loginFailureEvents(parseEvents(result.stdout));
}
