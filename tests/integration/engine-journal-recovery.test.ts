/**
 * Issue 15: a crash mid-write leaves a torn last journal line — resume recovers it (cut off,
 * journaled as `torn-line-recovered`) instead of calling it tampering; a crash between creating the
 * journal and its first entry leaves an empty journal — listed as never started, and its stale
 * lock does not block the next run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunId } from '../../src/main/engine/run-id.js';
import { RunLock } from '../../src/main/engine/run-lock.js';
import { practiceEngines, scriptedHooks, readRunJournal } from '../support/engine-harness.js';

const NEW_PASSWORD = 'Torn-Line-Pw-42!';
const { fresh: engine } = practiceEngines('journal-');

describe('journal recovery', () => {
  it('a torn last line is cut off and recorded on resume; the run then finishes', async () => {
    const e = engine('torn');
    const stopped = await e.start(
      await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox'),
      scriptedHooks({ manual: 'cancel' }),
    ).done;
    const before = readRunJournal(stopped.journalPath).length;
    const torn = '{"seq":99,"at":"2026-12-02T10:00:00.000Z","type":"step-sta';
    fs.appendFileSync(stopped.journalPath, torn);
    // Read-only views leave the file alone and do not call it tampering.
    expect(e.view(stopped.runId).state).toBe('cancelled');
    expect(e.list()[0]?.title).not.toMatch(/does not verify/);
    const resumed = await (
      await e.resume(stopped.runId, { newPassword: NEW_PASSWORD }, scriptedHooks())
    ).done;
    expect(resumed.state).toBe('succeeded');
    const entries = readRunJournal(stopped.journalPath);
    expect(entries[before]).toMatchObject({
      type: 'torn-line-recovered',
      data: { line: before + 1, bytes: Buffer.byteLength(torn) },
    });
    expect(fs.readFileSync(stopped.journalPath, 'utf8')).not.toContain('"type":"step-sta"');
  });

  it('an empty journal is listed as never started, and its stale lock does not block the next run', async () => {
    const e = engine('empty');
    const prepared = await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox');
    const ghost = newRunId();
    fs.mkdirSync(path.join(e.dataDir, 'runs', ghost), { recursive: true });
    fs.writeFileSync(path.join(e.dataDir, 'runs', ghost, 'journal.jsonl'), '');
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    const lockPath = RunLock.pathFor(path.join(e.dataDir, 'locks'), prepared.plan.target);
    fs.mkdirSync(path.dirname(lockPath), { recursive: true });
    fs.writeFileSync(
      lockPath,
      JSON.stringify({
        runId: ghost,
        target: prepared.plan.target,
        host: os.hostname(),
        user: 'ghost',
        pid: Number(dead),
        startedAt: 'earlier',
      }),
    );

    expect(e.list()).toEqual([
      expect.objectContaining({
        runId: ghost,
        state: 'never-started',
        title: expect.stringMatching(/^Never started/),
      }),
    ]);
    const hooks = scriptedHooks();
    const view = await e.start(prepared, hooks).done;
    expect(hooks.prompts.map((prompt) => prompt.title)).not.toContain('Take over a stale run lock?');
    expect(view.state).toBe('succeeded');
    expect(
      readRunJournal(view.journalPath).find((entry) => entry.type === 'lock-taken-over')?.data,
    ).toMatchObject({ previous: { runId: ghost }, reason: expect.stringMatching(/never started/) });
    expect(() => e.resumeNeeds(ghost)).toThrow(/empty/);
  });
});
