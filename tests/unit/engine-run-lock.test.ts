import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { currentActor } from '../../src/main/engine/actor.js';
import { RunConflict, RunLock } from '../../src/main/engine/run-lock.js';

function locksDir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'locks-')), 'locks');
}

/** The PID of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('run lock', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is exclusive per target and names the holder; another target is free', () => {
    const dir = locksDir();
    const actor = currentActor();
    const first = RunLock.tryAcquire(dir, 'practice:/a', 'run-1', actor);
    expect(first.acquired).toBe(true);
    expect(fs.statSync(RunLock.pathFor(dir, 'practice:/a')).mode & 0o777).toBe(0o600);
    const second = RunLock.tryAcquire(dir, 'practice:/a', 'run-2', actor);
    expect(second.acquired).toBe(false);
    const conflict = (second as { conflict: RunConflict }).conflict;
    expect(conflict.stale).toBe(false);
    expect(conflict.message).toContain('run-1');
    expect(conflict.message).toContain(actor.user);
    expect(conflict.message).toContain(actor.host);
    expect(conflict.message).toContain(String(actor.pid));
    expect(RunLock.tryAcquire(dir, 'practice:/b', 'run-3', actor).acquired).toBe(true);
    if (first.acquired) first.lock.release();
    expect(RunLock.tryAcquire(dir, 'practice:/a', 'run-2', actor).acquired).toBe(true);
  });

  it('reports a lock left by a dead process on this host as stale, and lets it be taken over', () => {
    const dir = locksDir();
    const ghost = { ...currentActor(), pid: deadPid() };
    expect(RunLock.tryAcquire(dir, 'target', 'run-dead', ghost).acquired).toBe(true);
    const attempt = RunLock.tryAcquire(dir, 'target', 'run-new', currentActor());
    expect(attempt.acquired).toBe(false);
    const conflict = (attempt as { conflict: RunConflict }).conflict;
    expect(conflict.stale).toBe(true);
    const lock = RunLock.takeOver(conflict, 'run-new', currentActor());
    expect(JSON.parse(fs.readFileSync(lock.lockPath, 'utf8'))).toMatchObject({
      runId: 'run-new',
      pid: process.pid,
    });
  });

  it('treats a lock from another host as live (its PID cannot be checked from here)', () => {
    const dir = locksDir();
    RunLock.tryAcquire(dir, 'target', 'run-remote', { user: 'ops', host: 'other-host', pid: deadPid() });
    const attempt = RunLock.tryAcquire(dir, 'target', 'run-here', currentActor());
    expect(attempt.acquired).toBe(false);
    expect((attempt as { conflict: RunConflict }).conflict.stale).toBe(false);
  });

  it('lets only one of two concurrent takers take over a stale lock', () => {
    const dir = locksDir();
    const ghost = { ...currentActor(), pid: deadPid() };
    expect(RunLock.tryAcquire(dir, 'target', 'run-dead', ghost).acquired).toBe(true);
    const lockPath = RunLock.pathFor(dir, 'target');
    const judgedByA = (
      RunLock.tryAcquire(dir, 'target', 'run-a', currentActor()) as { conflict: RunConflict }
    ).conflict;
    const judgedByB = (
      RunLock.tryAcquire(dir, 'target', 'run-b', currentActor()) as { conflict: RunConflict }
    ).conflict;
    expect(judgedByA.stale && judgedByB.stale).toBe(true);
    // B's whole takeover happens inside A's, right when A moves on the lock file it judged stale.
    const winners: string[] = [];
    let interleaved = false;
    const interleave = () => {
      if (interleaved) return;
      interleaved = true;
      RunLock.takeOver(judgedByB, 'run-b', currentActor());
      winners.push('run-b');
    };
    const realRm = fs.rmSync;
    const realRename = fs.renameSync;
    vi.spyOn(fs, 'rmSync').mockImplementation((target, options) => {
      if (target === lockPath) interleave();
      realRm(target, options);
    });
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (from === lockPath) interleave();
      realRename(from, to);
    });
    try {
      RunLock.takeOver(judgedByA, 'run-a', currentActor());
      winners.push('run-a');
    } catch (error) {
      expect(error).toBeInstanceOf(RunConflict);
      expect((error as RunConflict).stale).toBe(false);
    }
    vi.restoreAllMocks();
    expect(winners).toEqual(['run-b']);
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8'))).toMatchObject({ runId: 'run-b', pid: process.pid });
    expect(fs.readdirSync(dir)).toEqual([path.basename(lockPath)]);
  });

  it('treats an empty or unparseable lock file as being written while it is young, and as stale once old', () => {
    const dir = locksDir();
    fs.mkdirSync(dir, { recursive: true });
    const lockPath = RunLock.pathFor(dir, 'target');
    for (const content of ['', '{"runId": "half']) {
      fs.writeFileSync(lockPath, content);
      const young = RunLock.tryAcquire(dir, 'target', 'run-new', currentActor());
      expect(young.acquired).toBe(false);
      expect((young as { conflict: RunConflict }).conflict.stale).toBe(false);
    }
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockPath, old, old);
    const attempt = RunLock.tryAcquire(dir, 'target', 'run-new', currentActor());
    expect(attempt.acquired).toBe(false);
    const conflict = (attempt as { conflict: RunConflict }).conflict;
    expect(conflict.stale).toBe(true);
    const lock = RunLock.takeOver(conflict, 'run-new', currentActor());
    expect(lock.lockPath).toBe(lockPath);
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8'))).toMatchObject({
      runId: 'run-new',
      target: 'target',
    });
    expect(fs.readdirSync(dir)).toEqual([path.basename(lockPath)]);
  });
});
