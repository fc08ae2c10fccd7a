import os from 'node:os';

/** Who is running this: recorded in the journal, the run lock and the report. */
export interface Actor {
  user: string;
  host: string;
  pid: number;
}

export function currentActor(): Actor {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return { user, host: os.hostname(), pid: process.pid };
}
