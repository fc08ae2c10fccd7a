import type {
  Attention,
  Fact,
  HostProgress,
  OutageProgress,
  PlannedStep,
  RunState,
  RunView,
  StepState,
} from '../../../shared/procedure.js';
import type { Redactor } from '../../../shared/redact.js';
import type { Actor } from '../actor.js';
import { attentionLines } from '../attention.js';
import {
  recordAttention,
  recordHosts,
  recordPhases,
  type ActorAction,
  type RunRecord,
} from '../run-record.js';

/** Everything a report says, taken from the verified journal; each renderer only formats it. */
export interface ReportData {
  runId: string;
  procedureId: string;
  title: string;
  environment: string;
  target: string;
  outcome: RunState;
  error?: string;
  /** The run stopped leaving a state that must not stay: `attention.pending` says what, with the ways out. */
  needsAttention: boolean;
  attention?: Attention;
  /** `attention.pending` as sentences. */
  attentionLines: string[];
  startedAt: string;
  finishedAt?: string;
  people: Array<{ action: ActorAction; user: string; host: string; at: string }>;
  /** When it succeeded, if it was then undone after success (outcome `rolled-back`) or is being undone. */
  succeededAt?: string;
  facts: Fact[];
  warnings: string[];
  /** What to do once it succeeded (the procedure's words). */
  afterwards: string[];
  confirmations: Array<{ what: string; at: string }>;
  /** The plan's phases in order with their states; every step names its phase. */
  phases: NonNullable<RunView['phases']>;
  /** The outage window, when the plan declared one: when it opened and closed, and the time down. */
  outage?: OutageProgress;
  /** Per host, when the plan's steps name hosts: where each ended. */
  hosts?: HostProgress[];
  steps: Array<{
    phase?: string;
    id: string;
    kind: string;
    title: string;
    summary: string;
    planned: PlannedStep;
    state: StepState;
    message?: string;
    logs: string[];
    events: Array<{ at: string; what: string }>;
  }>;
  /** `signedBy`: the fingerprint of the installation key that signed every entry (journal-seal.ts). */
  journal: { path: string; entries: number; finalHash: string; signedBy: string };
  generatedAt: string;
}

const EVENT_WORDS: Record<string, (data: Record<string, unknown>) => string> = {
  'step-started': (data) => `started (attempt ${String(data.attempt)})`,
  'step-done': () => 'done',
  'step-failed': (data) => `failed: ${String(data.error)}`,
  'step-skipped': (data) => `skipped: ${String(data.reason)}`,
  'secrets-shown': (data) =>
    `showed once, and the admin confirmed storing: ${(data.labels as string[]).join(', ')} (the values are not journaled)`,
  'hosts-left': (data) => `went on without ${(data.hosts as string[]).join(', ')}`,
  decision: (data) => `admin chose ${String(data.decision)}`,
  'undo-started': () => 'undo started',
  'undo-done': () => 'undone',
  'undo-failed': (data) => `undo failed: ${String(data.error)}`,
};

/** How the report names the outcome: a rollback after success says so. */
export function outcomeWords(report: Pick<ReportData, 'outcome' | 'succeededAt'>): string {
  if (!report.succeededAt) return report.outcome;
  return report.outcome === 'rolled-back'
    ? `rolled-back after success (it succeeded at ${report.succeededAt}, then was undone)`
    : `${report.outcome} while being undone after success (it succeeded at ${report.succeededAt})`;
}

export const ACTION_WORDS: Record<ActorAction, string> = {
  started: 'Started',
  resumed: 'Resumed',
  'undid after success': 'Undone after success',
};

/** A host's state as the report says it. */
export const HOST_STATE_WORDS: Record<HostProgress['state'], string> = {
  waiting: 'not finished (waiting)',
  running: 'running',
  done: 'done',
  failed: 'FAILED',
  undone: 'undone',
};

/** What the journal's signature proves, said wherever the report shows it. */
export const JOURNAL_SEAL_MEANING =
  'an entry edited, inserted, removed or moved, even with every hash recomputed, fails verification without that key; entries cut from the end show only as a count or final hash different from this report';

export function buildReportData(
  record: RunRecord,
  journal: { path: string; signedBy: string },
  redactor: Redactor,
  now = new Date(),
): ReportData {
  const { created } = record;
  const data: ReportData = {
    runId: created.runId,
    procedureId: created.procedureId,
    title: created.title,
    environment: created.environment,
    target: created.target,
    outcome: record.state,
    error: record.error,
    ...attentionFields(record),
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    ...(record.succeededAt ? { succeededAt: record.succeededAt } : {}),
    people: record.actors.map(({ actor, at, action }: { actor: Actor; at: string; action: ActorAction }) => ({
      action,
      user: actor.user,
      host: actor.host,
      at,
    })),
    facts: created.facts,
    warnings: created.warnings,
    afterwards: created.afterwards ?? [],
    confirmations: record.entries
      .filter((entry) => entry.type === 'gate-confirmed' || entry.type === 'lock-taken-over')
      .map((entry) => ({
        what:
          entry.type === 'lock-taken-over'
            ? 'took over a stale run lock'
            : gateWords(String(entry.data.gate), created),
        at: entry.at,
      })),
    ...recordPhases(record, now),
    ...recordHosts(record),
    steps: record.steps.map((progress) => {
      const planned = created.steps.find((step) => step.id === progress.id) as PlannedStep;
      return {
        ...(planned.phase === undefined ? {} : { phase: planned.phase }),
        id: progress.id,
        kind: progress.kind,
        title: progress.title,
        summary: planned.description.summary,
        planned,
        state: progress.state,
        message: progress.message,
        logs: progress.logs,
        events: record.entries
          .filter((entry) => entry.data.stepId === progress.id && EVENT_WORDS[entry.type])
          .map((entry) => ({
            at: entry.at,
            what: (EVENT_WORDS[entry.type] as (d: Record<string, unknown>) => string)(entry.data),
          })),
      };
    }),
    journal: {
      path: journal.path,
      entries: record.entries.length,
      finalHash: record.finalHash,
      signedBy: journal.signedBy,
    },
    generatedAt: now.toISOString(),
  };
  return redactor.redactValue(data);
}

function attentionFields(
  record: RunRecord,
): Pick<ReportData, 'needsAttention' | 'attention' | 'attentionLines'> {
  const { needsAttention, attention } = recordAttention(record);
  return { needsAttention, attention, attentionLines: attentionLines(attention) };
}

function gateWords(gate: string, created: RunRecord['created']): string {
  const { steps, outage } = created;
  if (gate === 'changes') return 'confirmed the changes after all checks passed';
  if (gate === 'outage-window')
    return `confirmed the outage window (${outage?.stepIds.length ?? 0} steps, about ${outage?.expectedMinutes ?? '?'} min): ${outage?.impact ?? ''}`;
  const [kind, stepId] = gate.split(':');
  const title = steps.find((step) => step.id === stepId)?.title ?? stepId;
  if (kind === 'outage') return `confirmed the outage of "${title}"`;
  const check = steps.find((step) => step.id === stepId)?.manualCheck;
  return `confirmed the manual step "${title}" was done${check ? ` (then checked: ${check})` : ' (confirmed by the admin, not checked)'}`;
}
