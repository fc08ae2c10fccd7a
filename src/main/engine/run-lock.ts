import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRegularFileSync, UnreadableFileError } from '../platform/files/read-regular-file.js';
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

/** A lock file holds one small JSON object. */
const MAX_LOCK_BYTES = 64 * 1024;

/** A lock file that is empty or not JSON yet and younger than this is being written: it counts as held. */
const WRITING_GRACE_MS = 5_000;

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
  static tryAcquire(
    locksDir: string,
    target: string,
    runId: string,
    actor: Actor,
    startedAt = new Date(),
  ): LockAttempt {
    fs.mkdirSync(locksDir, { recursive: true, mode: 0o700 });
    const lockPath = RunLock.pathFor(locksDir, target);
    const holder: LockHolder = {
      runId,
      target,
      host: actor.host,
      user: actor.user,
      pid: actor.pid,
      startedAt: startedAt.toISOString(),
    };
    for (;;) {
      if (createExclusive(lockPath, holder)) return { acquired: true, lock: new RunLock(lockPath, holder) };
      const existing = readLock(lockPath, target);
      if (!existing) continue; // released between our attempt and our read: try again
      return {
        acquired: false,
        conflict: new RunConflict(existing.holder, lockPath, isStale(existing, actor)),
      };
    }
  }

  /**
   * Replaces a stale lock (after the admin confirmed, or when it is this run's own from before a
   * crash). Atomic among concurrent takers: the stale file is renamed to a name of our own, so only
   * one taker's rename succeeds; that taker checks the renamed file is the holder it judged stale
   * (else puts it back and refuses), then creates the new lock exclusively.
   */
  static takeOver(conflict: RunConflict, runId: string, actor: Actor): RunLock {
    const { lockPath } = conflict;
    const holder: LockHolder = {
      runId,
      target: conflict.holder.target,
      host: actor.host,
      user: actor.user,
      pid: actor.pid,
      startedAt: new Date().toISOString(),
    };
    const aside = `${lockPath}.stale-${runId}-${randomBytes(6).toString('hex')}`;
    try {
      fs.renameSync(lockPath, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Gone already (another taker moved it, or it was released): only an exclusive create may win.
      if (createExclusive(lockPath, holder)) return new RunLock(lockPath, holder);
      throw conflictNow(lockPath, conflict);
    }
    try {
      const moved = readLock(aside, conflict.holder.target);
      if (!moved || !sameHolder(moved.holder, conflict.holder)) {
        // Someone took the lock over before us: this is a live lock, put it back untouched.
        putBack(aside, lockPath);
        throw new RunConflict(moved?.holder ?? conflict.holder, lockPath, false);
      }
      if (!createExclusive(lockPath, holder)) throw conflictNow(lockPath, conflict);
      return new RunLock(lockPath, holder);
    } finally {
      fs.rmSync(aside, { force: true });
    }
  }

  release(): void {
    const current = readLock(this.lockPath)?.holder;
    if (current && current.runId === this.holder.runId && current.pid === this.holder.pid)
      fs.rmSync(this.lockPath, { force: true });
  }
}

/** Who holds the target's lock now, and whether that holder is alive (another host counts as alive). */
export function currentHolder(
  locksDir: string,
  target: string,
  actor: Actor,
): { holder: LockHolder; live: boolean } | undefined {
  const existing = readLock(RunLock.pathFor(locksDir, target), target);
  if (!existing) return undefined;
  return { holder: existing.holder, live: !isStale(existing, actor) };
}

interface LockContent {
  holder: LockHolder;
  /** Empty or unparseable but young: its creator is still writing it. */
  writing: boolean;
}

function createExclusive(lockPath: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.writeSync(fd, JSON.stringify(holder));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The lock's holder; `target` fills in the target of a lock file that has none to read. */
function readLock(lockPath: string, target = 'unknown'): LockContent | undefined {
  let text: string;
  let mtimeMs: number;
  try {
    // A lock may live beside a target's config file, where others can write: a regular file only.
    const read = readRegularFileSync(lockPath, MAX_LOCK_BYTES);
    mtimeMs = read.stat.mtimeMs;
    text = read.bytes.toString('utf8');
  } catch (error) {
    if (error instanceof UnreadableFileError && error.reason === 'missing') return undefined;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (holder && typeof holder === 'object' && typeof holder.runId === 'string')
      return { holder, writing: false };
  } catch {
    // falls through: empty or torn
  }
  // Being written (young), or cut short by a crash between create and write (old: held by nobody alive).
  const writing = Date.now() - mtimeMs < WRITING_GRACE_MS;
  return {
    holder: {
      runId: writing ? 'unknown (its lock file is being written)' : 'unknown',
      target,
      host: os.hostname(),
      user: 'unknown',
      pid: 0,
      startedAt: new Date(mtimeMs).toISOString(),
    },
    writing,
  };
}

function isStale(existing: LockContent, actor: Actor): boolean {
  return !existing.writing && existing.holder.host === actor.host && !processAlive(existing.holder.pid);
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.runId === b.runId && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

/** Moves a lock we renamed by mistake back to its place, unless a new lock was created there meanwhile. */
function putBack(aside: string, lockPath: string): void {
  try {
    fs.linkSync(aside, lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Another taker won: whoever holds the lock now is live as far as we are concerned. */
function conflictNow(lockPath: string, judged: RunConflict): RunConflict {
  return new RunConflict(readLock(lockPath, judged.holder.target)?.holder ?? judged.holder, lockPath, false);
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
