import type { RunState, RunSummary, RunView, StepProgress } from '../../shared/procedure.js';
import type { Actor } from './actor.js';
import { attentionLines, attentionOf } from './attention.js';
import { hostsProgress } from './hosts.js';
import type { JournalEntry } from './journal.js';
import { outageProgress, planPhases, runPhases, type OutageTimes } from './phases.js';
import type { GateKey, JournalEntryData, RunCreated } from './journal-entries.js';

/** A run as its journal tells it: what resume, `runs`, `run.get` and the report read. */
export interface RunRecord {
  created: RunCreated;
  startedAt: string;
  finishedAt?: string;
  /** Who started it, then who resumed it (or undid it after success), in order. */
  actors: Array<{ actor: Actor; at: string; action: ActorAction }>;
  steps: StepProgress[];
  gates: Set<GateKey>;
  rollingBack: boolean;
  /** Phases whose `phase-started` is journaled. */
  phasesStarted: Set<string>;
  /** When the outage window opened and closed (journal times). */
  outage: OutageTimes;
  /** The state the journal ends in; `interrupted` when it stops mid-run with no stop entry. */
  state: RunState;
  error?: string;
  /** When it succeeded, once an undo after success has begun. */
  succeededAt?: string;
  finalHash: string;
  entries: JournalEntry[];
}

export type ActorAction = 'started' | 'resumed' | 'undid after success';

/** Runs that may be resumed: everything except the two final outcomes. */
export function isResumable(state: RunState): boolean {
  return state !== 'succeeded' && state !== 'rolled-back' && state !== 'never-started';
}

export function foldJournal(entries: JournalEntry[]): RunRecord {
  const first = entries[0];
  if (!first || first.type !== 'run-created')
    throw new Error('The journal does not start with its run-created entry');
  const created = first.data as unknown as RunCreated;
  const record: RunRecord = {
    created,
    startedAt: first.at,
    actors: [{ actor: created.actor, at: first.at, action: 'started' }],
    steps: created.steps.map((step) => ({
      id: step.id,
      kind: step.kind,
      title: step.title,
      state: 'pending',
      logs: [],
      ...(step.phase === undefined ? {} : { phase: step.phase }),
      ...(step.host === undefined ? {} : { host: step.host }),
    })),
    gates: new Set(),
    rollingBack: false,
    outage: {},
    phasesStarted: new Set(),
    state: 'interrupted',
    finalHash: entries.at(-1)?.hash ?? first.hash,
    entries,
  };
  const step = (id: string): StepProgress | undefined =>
    record.steps.find((candidate) => candidate.id === id);
  for (const entry of entries.slice(1)) {
    const type = entry.type as keyof JournalEntryData;
    const data = entry.data as Record<string, unknown> & { stepId?: string };
    const target = data.stepId === undefined ? undefined : step(data.stepId);
    switch (type) {
      case 'resumed':
        record.actors.push({
          actor: (data as JournalEntryData['resumed']).actor,
          at: entry.at,
          action: 'resumed',
        });
        record.state = 'interrupted';
        record.error = undefined;
        record.finishedAt = undefined;
        break;
      case 'undo-after-success':
        record.actors.push({
          actor: (data as JournalEntryData['undo-after-success']).actor,
          at: entry.at,
          action: 'undid after success',
        });
        record.succeededAt = record.finishedAt;
        record.state = 'interrupted';
        record.rollingBack = true;
        record.finishedAt = undefined;
        break;
      case 'gate-confirmed':
        record.gates.add((data as JournalEntryData['gate-confirmed']).gate);
        break;
      case 'phase-started':
        record.phasesStarted.add((data as JournalEntryData['phase-started']).phaseId);
        break;
      case 'outage-opened':
        record.outage.openedAt ??= entry.at;
        break;
      case 'outage-closed':
        record.outage.closedAt ??= entry.at;
        break;
      case 'step-started':
        if (target)
          Object.assign(target, {
            state: 'running',
            message: undefined,
            startedAt: entry.at,
            finishedAt: undefined,
          });
        break;
      case 'step-log':
        target?.logs.push((data as JournalEntryData['step-log']).line);
        break;
      case 'step-done':
        if (target) Object.assign(target, { state: 'done', message: undefined, finishedAt: entry.at });
        break;
      case 'step-failed': {
        const failed = data as JournalEntryData['step-failed'];
        if (target)
          Object.assign(target, {
            state: 'failed',
            message: failed.fix ? `${failed.error} Fix: ${failed.fix}` : failed.error,
            finishedAt: entry.at,
          });
        break;
      }
      case 'step-skipped':
        if (target)
          Object.assign(target, {
            state: 'skipped',
            message: (data as JournalEntryData['step-skipped']).reason,
            finishedAt: entry.at,
          });
        break;
      case 'rollback-started':
        record.rollingBack = true;
        break;
      case 'undo-started':
        if (target) Object.assign(target, { message: 'undoing', startedAt: entry.at, finishedAt: undefined });
        break;
      case 'undo-done':
        if (target) Object.assign(target, { state: 'undone', message: undefined, finishedAt: entry.at });
        break;
      case 'undo-failed':
        if (target) target.message = `undo failed: ${(data as JournalEntryData['undo-failed']).error}`;
        break;
      case 'run-stopped': {
        const stopped = data as JournalEntryData['run-stopped'];
        record.state = stopped.state;
        record.error = stopped.error;
        record.finishedAt = entry.at;
        break;
      }
      case 'run-finished':
        record.state = (data as JournalEntryData['run-finished']).state;
        record.error = undefined;
        record.finishedAt = entry.at;
        break;
      default:
        break;
    }
  }
  return record;
}

export function recordView(record: RunRecord, journalPath: string): RunView {
  return {
    runId: record.created.runId,
    revision: record.entries.length,
    procedureId: record.created.procedureId,
    title: record.created.title,
    environment: record.created.environment,
    target: record.created.target,
    state: record.state,
    steps: record.steps.map((step) => ({ ...step, logs: [...step.logs] })),
    error: record.error,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    journalPath,
    journalHash: record.finalHash,
    ...recordAttention(record),
    ...recordPhases(record),
    ...recordHosts(record),
    ...(record.created.afterwards ? { afterwards: record.created.afterwards } : {}),
    ...(record.succeededAt ? { succeededAt: record.succeededAt } : {}),
  };
}

/** The run view's phases (with their states) and outage window (with the time down), as the journal tells them. */
export function recordPhases(
  record: RunRecord,
  now = new Date(),
): { phases: NonNullable<RunView['phases']>; outage?: RunView['outage'] } {
  const { created } = record;
  return {
    phases: runPhases(planPhases(created.phases, created.steps), record.steps),
    ...(created.outage ? { outage: outageProgress(created.outage, record.outage, now) } : {}),
  };
}

/** Per host, when the plan's steps name hosts. */
export function recordHosts(record: RunRecord): Pick<RunView, 'hosts'> {
  const hosts = hostsProgress(record.created.steps, record.steps);
  return hosts ? { hosts } : {};
}

/** A journal that stopped short of its end: what it left (`needsAttention` when a compensation is pending) and the ways out. */
export function recordAttention(record: RunRecord): ReturnType<typeof attentionOf> {
  const stopped = record.state === 'interrupted' || record.finishedAt !== undefined;
  return attentionOf(record.created.steps, record.steps, {
    state: record.state,
    stopped,
    rollingBack: record.rollingBack,
  });
}

export function recordSummary(record: RunRecord): RunSummary {
  return {
    runId: record.created.runId,
    procedureId: record.created.procedureId,
    title: record.created.title,
    state: record.state,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    host: record.created.actor.host,
    user: record.created.actor.user,
    environment: record.created.environment,
    secretFields: Object.keys(record.created.secretVerifiers),
    ...summaryAttention(record),
    ...(record.succeededAt ? { succeededAt: record.succeededAt } : {}),
  };
}

function summaryAttention(record: RunRecord): { needsAttention: boolean; attention: string[] } {
  const { needsAttention, attention } = recordAttention(record);
  return { needsAttention, attention: attentionLines(attention) };
}
