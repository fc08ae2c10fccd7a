import type {
  EnvironmentKind,
  Fact,
  OutageWindow,
  PlannedStep,
  PlanPhase,
  Prompt,
  RunState,
} from '../../shared/procedure.js';
import type { Actor } from './actor.js';
import type { LockHolder } from './run-lock.js';
import type { SecretVerifier } from './secret-verifier.js';

/** The data of each kind of journal entry (all of it redacted before it is written). */
export interface RunCreated {
  runId: string;
  procedureId: string;
  system: string;
  title: string;
  environment: EnvironmentKind;
  target: string;
  /** The inputs as given, without their secret fields. */
  inputs: unknown;
  /** One salted scrypt verifier per secret field, by field path. */
  secretVerifiers: Record<string, SecretVerifier>;
  steps: PlannedStep[];
  /** Absent in journals written before phases: one default phase. */
  phases?: PlanPhase[];
  outage?: OutageWindow;
  facts: Fact[];
  warnings: string[];
  /** Absent in journals written before it: what to do once the run succeeded. */
  afterwards?: string[];
  actor: Actor;
}

/** `outage-window`: the plan's one outage window, confirmed once before its first step. */
export type GateKey = 'changes' | 'outage-window' | `outage:${string}` | `manual:${string}`;

export interface JournalEntryData {
  'run-created': RunCreated;
  resumed: { actor: Actor };
  /** A succeeded run is being undone (`breakglass rollback`, `run.rollback`): its rollback follows. */
  'undo-after-success': { actor: Actor };
  'lock-taken-over': { previous: LockHolder; actor: Actor; reason?: string };
  /** The journal's last line was cut short by a crash mid-write; it was cut off before this entry. */
  'torn-line-recovered': { line: number; bytes: number; sha256: string };
  /** The plan's lock on the target itself was taken (target-lock.ts). */
  'target-lock-taken': { where: string };
  'gate-confirmed': { gate: GateKey };
  /** The first step of a phase starts (once per phase). */
  'phase-started': { phaseId: string };
  /** Every step of the phase is done or skipped. */
  'phase-finished': { phaseId: string };
  /** The outage window opens: its first step is about to start. */
  'outage-opened': { expectedMinutes: number };
  /** The window closes: its last step is over (`forward`), or the rollback that undid it finished. */
  'outage-closed': { downMs: number; by: 'forward' | 'rollback' };
  'step-started': { stepId: string; attempt: number };
  'step-log': { stepId: string; line: string };
  /** A step showed secrets once (`ctx.showOnce`) and the admin said they stored them: the labels, never the values. */
  'secrets-shown': { stepId: string; labels: string[] };
  'step-done': { stepId: string };
  'step-failed': { stepId: string; error: string; fix?: string };
  decision: { stepId: string; decision: string };
  'step-skipped': { stepId: string; reason: string };
  /** A fan-out phase went on without these hosts (their failed steps stay failed). */
  'hosts-left': { phaseId: string; hosts: string[] };
  'rollback-started': Record<string, never>;
  'undo-started': { stepId: string };
  'undo-done': { stepId: string };
  'undo-failed': { stepId: string; error: string };
  /** The run stopped and may be resumed (failed, cancelled, awaiting a prompt). */
  'run-stopped': { state: RunState; error?: string; prompt?: Pick<Prompt, 'kind' | 'stepId' | 'title'> };
  /** The run is over for good. */
  'run-finished': { state: 'succeeded' | 'rolled-back' };
}

export type EntryType = keyof JournalEntryData;
