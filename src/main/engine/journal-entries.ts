import type { EnvironmentKind, Fact, PlannedStep, Prompt, RunState } from '../../shared/procedure.js';
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
  facts: Fact[];
  warnings: string[];
  actor: Actor;
}

export type GateKey = 'changes' | `outage:${string}` | `manual:${string}`;

export interface JournalEntryData {
  'run-created': RunCreated;
  resumed: { actor: Actor };
  'lock-taken-over': { previous: LockHolder; actor: Actor; reason?: string };
  /** The journal's last line was cut short by a crash mid-write; it was cut off before this entry. */
  'torn-line-recovered': { line: number; bytes: number; sha256: string };
  'gate-confirmed': { gate: GateKey };
  'step-started': { stepId: string; attempt: number };
  'step-log': { stepId: string; line: string };
  'step-done': { stepId: string };
  'step-failed': { stepId: string; error: string; fix?: string };
  decision: { stepId: string; decision: string };
  'step-skipped': { stepId: string; reason: string };
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
