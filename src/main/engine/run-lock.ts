import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from './actor.js';

/** Who holds a target: the content of its lock file. */
export interface LockHolder {
  runId: string;
  target: string;
  host: string;
  user: string;
  pid: number;
  startedAt: string;
}

/** Another run holds the target; names it. `stale` when its process is gone (same host, dead PID). */
export class RunConflict extends Error {
  constructor(
    readonly holder: LockHolder,
    readonly lockPath: string,
    readonly stale: boolean,
  ) {
    super(
      stale
        ? `Run ${holder.runId} (user ${holder.user} on ${holder.host}, PID ${holder.pid}, started ${holder.startedAt}) left a lock on ${holder.target}, but its process is gone. Resume that run with \`breakglass resume ${holder.runId}\`, or confirm taking the lock over.`
        : `Run ${holder.runId} is already working on ${holder.target} (user ${holder.user} on ${holder.host}, PID ${holder.pid}, started ${holder.startedAt}). Wait for it to finish, or if you are sure it is gone, delete ${lockPath}.`,
    );
    this.name = 'RunConflict';
  }
}

export type LockAttempt = { acquired: true; lock: RunLock } | { acquired: false; conflict: RunConflict };

/** One lock file per target in `<dataDir>/locks/`, created exclusively; released when the run stops. */
export class RunLock {
  private constructor(
    readonly lockPath: string,
    readonly holder: LockHolder,
  ) {}

  static pathFor(locksDir: string, target: string): string {
    return path.join(locksDir, `${createHash('sha256').update(target).digest('hex').slice(0, 32)}.lock`);
  }

  /** Takes the lock, or reports who holds it (and whether that holder is stale). */
  static tryAcquire(locksDir: string, target: string, runId: string, actor: Actor, startedAt = new Date()): LockAttempt {
    fs.mkdirSync(locksDir, { recursive: true, mode: 0o700 });
    const lockPath = RunLock.pathFor(locksDir, target);
    const holder: LockHolder = { runId, target, host: actor.host, user: actor.user, pid: actor.pid, startedAt: startedAt.toISOString() };
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      try {
        fs.writeSync(fd, JSON.stringify(holder));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      return { acquired: true, lock: new RunLock(lockPath, holder) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const existing = readHolder(lockPath);
    if (!existing) return RunLock.tryAcquire(locksDir, target, runId, actor, startedAt);
    const stale = existing.host === actor.host && !processAlive(existing.pid);
    return { acquired: false, conflict: new RunConflict(existing, lockPath, stale) };
  }

  /** Replaces a stale lock (after the admin confirmed, or when it is this run's own from before a crash). */
  static takeOver(conflict: RunConflict, runId: string, actor: Actor): RunLock {
    const current = readHolder(conflict.lockPath);
    if (current && (current.runId !== conflict.holder.runId || current.pid !== conflict.holder.pid)) {
      throw new RunConflict(current, conflict.lockPath, false);
    }
    fs.rmSync(conflict.lockPath, { force: true });
    const attempt = RunLock.tryAcquire(path.dirname(conflict.lockPath), conflict.holder.target, runId, actor);
    if (!attempt.acquired) throw attempt.conflict;
    return attempt.lock;
  }

  release(): void {
    const current = readHolder(this.lockPath);
    if (current && current.runId === this.holder.runId && current.pid === this.holder.pid) fs.rmSync(this.lockPath, { force: true });
  }
}

/** Who holds the target's lock now, and whether that holder is alive (another host counts as alive). */
export function currentHolder(locksDir: string, target: string, actor: Actor): { holder: LockHolder; live: boolean } | undefined {
  const holder = readHolder(RunLock.pathFor(locksDir, target));
  if (!holder) return undefined;
  return { holder, live: holder.host !== actor.host || processAlive(holder.pid) };
}

function readHolder(lockPath: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockHolder;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A lock file cut short by a crash between create and write: treat as held by nobody alive.
    return { runId: 'unknown', target: 'unknown', host: os.hostname(), user: 'unknown', pid: 0, startedAt: 'unknown' };
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
