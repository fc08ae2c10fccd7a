import fs from 'node:fs';
import path from 'node:path';
import type { Actor } from './actor.js';
import { RunLock, type LockHolder } from './run-lock.js';

/**
 * A lock taken on the target itself, so that two admins (or two data folders) cannot run on the
 * same system at once: the run lock in `<dataDir>/locks/` only sees runs of the same data folder.
 * A plan declares one where its target allows it (`Plan.targetLock`); the run takes it before its
 * first check and releases it when it stops.
 */
export interface TargetLockDefinition {
  /** Where it lives, shown in the plan and in a conflict, e.g. "a lock file beside server.hsconf (D:\…)". */
  where: string;
  /** Takes it for this run, or throws TargetLockHeld naming who holds it. */
  acquire(request: TargetLockRequest): Promise<TargetLockHandle>;
}

export interface TargetLockRequest {
  runId: string;
  target: string;
  actor: Actor;
}

export interface TargetLockHandle {
  release(): Promise<void>;
}

/** Another run holds the target's own lock. Nothing was changed. */
export class TargetLockHeld extends Error {
  constructor(
    readonly holder: LockHolder,
    where: string,
    readonly lockPath: string,
    stale: boolean,
  ) {
    super(
      `Another Breakglass run holds the lock on this target (${where}): run ${holder.runId} by ${holder.user} on ${holder.host}, PID ${holder.pid}, started ${holder.startedAt}. ${
        stale
          ? `Its process is gone: resume or roll it back from the data folder it was started in (\`breakglass resume ${holder.runId}\`), or, if that run is abandoned, delete ${lockPath}.`
          : 'Wait until it has finished, then resume this run.'
      } Nothing was changed.`,
    );
    this.name = 'TargetLockHeld';
  }
}

/**
 * A lock file in `<dir>/.breakglass-locks/` (the run lock's format: run, host, user, PID), for
 * targets configured by a file every admin edits in place, such as server.hsconf. This run's own
 * lock, left by a crash, is taken back on resume.
 */
export function lockFileBeside(dir: string, what: string): TargetLockDefinition {
  const locksDir = path.join(dir, '.breakglass-locks');
  const where = `a lock file beside ${what} (${locksDir})`;
  return {
    where,
    acquire({ runId, target, actor }) {
      const attempt = RunLock.tryAcquire(locksDir, target, runId, actor);
      let lock: RunLock;
      if (attempt.acquired) lock = attempt.lock;
      else if (attempt.conflict.holder.runId === runId && attempt.conflict.stale)
        lock = RunLock.takeOver(attempt.conflict, runId, actor);
      else
        throw new TargetLockHeld(
          attempt.conflict.holder,
          where,
          attempt.conflict.lockPath,
          attempt.conflict.stale,
        );
      return Promise.resolve({
        release: () => {
          lock.release();
          removeIfEmpty(locksDir);
          return Promise.resolve();
        },
      });
    },
  };
}

/** The admin's folder is left as it was once no lock is held (another run's lock keeps it). */
function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw error;
  }
}
