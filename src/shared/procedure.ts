/**
 * The serialisable view of procedures, plans and runs: what crosses the IPC boundary and what
 * the CLI prints with --json. Both sides import these schemas; nothing here knows a system.
 */
import { z } from 'zod';

export const StepKind = z.enum(['check', 'change', 'manual', 'verify']);
export type StepKind = z.infer<typeof StepKind>;

/** What a step will do, shown before anything runs. Every string here has passed redaction. */
export const StepDescription = z.object({
  summary: z.string(),
  details: z.array(z.string()).default([]),
  /** Statements as they will run on the target (and, in the sandbox, as they would run on the real dialect); secrets masked. */
  sql: z.array(z.object({ dialect: z.string(), text: z.string() })).default([]),
  /** A unified diff of a file edit, secrets masked. */
  diff: z.object({ path: z.string(), unified: z.string() }).optional(),
  /** The exact program and arguments; never a secret. */
  command: z
    .object({ program: z.string(), args: z.array(z.string()), cwd: z.string().optional() })
    .optional(),
  /** Services this step stops or starts. */
  services: z
    .object({ stop: z.array(z.string()).default([]), start: z.array(z.string()).default([]) })
    .optional(),
  /** True when the step takes something out of service (users cannot work until a later step). */
  outage: z.boolean().default(false),
  /** For manual steps: exactly what the admin does. */
  instructions: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
  /** What its undo does (rollback, undo after success), e.g. "Sets ISACTIVE back to the value it had before". */
  undo: z.string().optional(),
});
export type StepDescription = z.infer<typeof StepDescription>;
export type StepDescriptionInput = z.input<typeof StepDescription>;

export const Decision = z.enum(['confirm', 'cancel', 'retry', 'rollback', 'continue']);
export type Decision = z.infer<typeof Decision>;

/** The decisions a step allows after it fails; stopping the run (cancel) is always allowed. */
export const FailureDecision = z.enum(['retry', 'rollback', 'continue']);
export type FailureDecision = z.infer<typeof FailureDecision>;

/** A state a change leaves that must not stay (AD off, a service stopped) and the step that brings it back. */
export const Compensation = z.object({
  /** The state left behind, as every warning says it: "Active Directory logins are off in production". */
  leaves: z.string(),
  /** The later step that brings it back going forward; rollback brings it back through this step's undo. */
  restoredBy: z.string().optional(),
});
export type Compensation = z.infer<typeof Compensation>;

export const PlannedStep = z.object({
  id: z.string(),
  kind: StepKind,
  title: z.string(),
  description: StepDescription,
  undoable: z.boolean(),
  /** Set when this step leaves a state that must not stay until `restoredBy` (or its undo) has run. */
  compensation: Compensation.optional(),
  /** Decisions offered when it fails (besides stopping); absent: retry, rollback, continue. */
  onFailure: z.array(FailureDecision).optional(),
  /** Once it has run, rollback is no longer possible: past it, only forward choices are offered. */
  pointOfNoReturn: z.boolean().optional(),
  /** Manual steps: what Breakglass checks after the admin confirms. Absent: the admin's word, recorded as "confirmed by the admin (not checked)". */
  manualCheck: z.string().optional(),
  /** The id of the phase it belongs to (see `PlanView.phases`). */
  phase: z.string().optional(),
  /** The machine it acts on, when a plan spans several (e.g. a front-end's name); absent: where Breakglass runs. */
  host: z.string().optional(),
  /** A few words for a host's live status while it runs (e.g. "copying", "testing connections"). */
  activity: z.string().optional(),
});
export type PlannedStep = z.infer<typeof PlannedStep>;

/** A named part of a plan: its steps run in order, after the previous phase's. A procedure that declares none has one. */
export const PlanPhase = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string().optional(),
  stepIds: z.array(z.string()),
  /** Its steps run per host, the hosts in parallel (at most `concurrency` at once), each host's steps in order. */
  fanOut: z.object({ concurrency: z.number().int().positive(), hosts: z.array(z.string()) }).optional(),
});
export type PlanPhase = z.infer<typeof PlanPhase>;

/** The one stretch of a plan during which the system is out of service: confirmed once, before its first step. */
export const OutageWindow = z.object({
  /** The steps it spans, in order (first = where it opens, last = where it closes). */
  stepIds: z.array(z.string()).min(1),
  expectedMinutes: z.number().positive(),
  /** What users lose while it is open, e.g. "Nobody can sign in to the app". */
  impact: z.string(),
  /** Set when the window was declared as a whole phase. */
  phase: z.string().optional(),
});
export type OutageWindow = z.infer<typeof OutageWindow>;

/** The outage window of a run: open from its first step's start to its last step's end (or the rollback's end); `downMs` so far. */
export const OutageProgress = OutageWindow.extend({
  state: z.enum(['pending', 'open', 'closed']),
  openedAt: z.string().optional(),
  closedAt: z.string().optional(),
  /** Time down: from opening to closing, or to now while open. */
  downMs: z.number().int().nonnegative().optional(),
});
export type OutageProgress = z.infer<typeof OutageProgress>;

export const FactStatus = z.enum(['ok', 'info', 'warn', 'error']);
export const Fact = z.object({ label: z.string(), value: z.string(), status: FactStatus.default('info') });
export type Fact = z.infer<typeof Fact>;

export const EnvironmentKind = z.enum(['real', 'sandbox']);
export type EnvironmentKind = z.infer<typeof EnvironmentKind>;

export const PlanView = z.object({
  planId: z.string(),
  procedureId: z.string(),
  title: z.string(),
  environment: EnvironmentKind,
  /** The run lock's target (environment / database / config file) this plan would change. */
  target: z.string(),
  facts: z.array(Fact),
  warnings: z.array(z.string()),
  /** What to do once the run succeeded, in the procedure's words. */
  afterwards: z.array(z.string()).optional(),
  steps: z.array(PlannedStep),
  /** The plan's phases in order (always at least one from the engine). */
  phases: z.array(PlanPhase).optional(),
  outage: OutageWindow.optional(),
});
export type PlanView = z.infer<typeof PlanView>;

export const ProcedureSummary = z.object({
  id: z.string(),
  system: z.string(),
  title: z.string(),
  summary: z.string(),
  /** JSON Schema of the inputs (zod's toJSONSchema, io: input); secret fields carry `"secret": true`. */
  inputSchema: z.record(z.string(), z.unknown()),
});
export type ProcedureSummary = z.infer<typeof ProcedureSummary>;

export const SystemSummary = z.object({
  id: z.string(),
  title: z.string(),
  /** True when the system can report what is installed on this machine (channel `discover.run`). */
  hasDiscovery: z.boolean(),
  /** The folder discovery can be pointed at (the `discover.run` option named `option`), offered as a field when nothing is found. */
  discoveryFolder: z.object({ option: z.string(), label: z.string() }).optional(),
});
export type SystemSummary = z.infer<typeof SystemSummary>;

export const RunState = z.enum([
  'preflight',
  'awaiting',
  'running',
  'failed',
  'succeeded',
  'rolled-back',
  'cancelled',
  'interrupted',
  /** Its journal is empty: the process stopped before the first entry; nothing was changed. */
  'never-started',
]);
export type RunState = z.infer<typeof RunState>;

export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'undone']);
export type StepState = z.infer<typeof StepState>;

/**
 * A question the run is waiting on. `confirm-changes` comes before the first change,
 * `confirm-outage` before a step with outage, `manual` when a human must act,
 * `failure` after a failed step (retry / rollback / continue = fixed by hand),
 * `confirm-cancel` when stopping would leave changes in place (it lists them and what must be
 * brought back; cancel = go back to the question), `confirm-rollback` before a rollback (it
 * lists what will be undone; cancel = go back to the question), `store-secrets` when a step shows
 * secrets the admin must keep, once (they travel in `reveal`, in clear, in this prompt only: never
 * journaled, never in a stopped run's view).
 */
export const Prompt = z.object({
  id: z.string(),
  kind: z.enum([
    'confirm-changes',
    'confirm-outage',
    'manual',
    'failure',
    'confirm-cancel',
    'confirm-rollback',
    'store-secrets',
  ]),
  stepId: z.string().optional(),
  title: z.string(),
  message: z.string(),
  instructions: z.array(z.string()).default([]),
  options: z.array(Decision),
  /** `store-secrets`: the values to store, shown this once. */
  reveal: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  /** What each option does here, when the generic wording would mislead (e.g. cancel = "Go back"). */
  labels: z.partialRecord(Decision, z.string()).optional(),
});
export type Prompt = z.infer<typeof Prompt>;

export const StepProgress = z.object({
  id: z.string(),
  kind: StepKind,
  title: z.string(),
  state: StepState,
  message: z.string().optional(),
  logs: z.array(z.string()),
  phase: z.string().optional(),
  host: z.string().optional(),
  /** When its last attempt (or undo) started and ended. */
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type StepProgress = z.infer<typeof StepProgress>;

/** One way out of a stopped run: what it runs, in order, or why it is not possible. */
export const WayOut = z.object({
  available: z.boolean(),
  /** Why not, when not available (past the point of no return, nothing left to do). */
  reason: z.string().optional(),
  /** Rollback: the undos, newest first. Resume: the steps that remain, in order. */
  steps: z.array(z.object({ id: z.string(), title: z.string(), does: z.string() })),
});
export type WayOut = z.infer<typeof WayOut>;

/** A stopped run that left a state that must not stay: what it is, and the ways back and forward. */
export const Attention = z.object({
  pending: z.array(
    z.object({
      stepId: z.string(),
      stepTitle: z.string(),
      leaves: z.string(),
      restoredBy: z.object({ id: z.string(), title: z.string() }).optional(),
    }),
  ),
  rollback: WayOut,
  resume: WayOut,
  /** Hosts a fan-out went on without (failed, left for another way), one line each. */
  hostsLeft: z.array(z.string()).optional(),
});
export type Attention = z.infer<typeof Attention>;

/** One machine of a plan that spans several: where it is, taken from its steps. */
export const HostProgress = z.object({
  host: z.string(),
  /** waiting: none started; running: one is; done: all done or skipped; failed: one failed (its lane stopped); undone: rolled back. */
  state: z.enum(['waiting', 'running', 'done', 'failed', 'undone']),
  /** The step running, or the one that failed. */
  stepId: z.string().optional(),
  /** That step's activity (or title), e.g. "copying". */
  activity: z.string().optional(),
  /** The failure, with its fix. */
  message: z.string().optional(),
  stepsDone: z.number().int().nonnegative(),
  stepsTotal: z.number().int().nonnegative(),
});
export type HostProgress = z.infer<typeof HostProgress>;

export const RunView = z.object({
  runId: z.string(),
  /** Grows with every change to the run (journal entries so far): a view with a lower revision is older and must not replace a newer one. */
  revision: z.number().int().nonnegative(),
  procedureId: z.string(),
  title: z.string(),
  environment: EnvironmentKind,
  target: z.string(),
  state: RunState,
  steps: z.array(StepProgress),
  prompt: Prompt.optional(),
  error: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  journalPath: z.string(),
  journalHash: z.string(),
  /** True when the run stopped (cancelled, failed, awaiting, interrupted) leaving a state that must not stay: `attention` says which and the ways out. */
  needsAttention: z.boolean().optional(),
  attention: Attention.optional(),
  /** The plan's phases, each with the state of its steps taken together. */
  phases: z.array(PlanPhase.extend({ state: StepState })).optional(),
  outage: OutageProgress.optional(),
  /** Per host, when the plan's steps name hosts; in plan order. */
  hosts: z.array(HostProgress).optional(),
  /** What to do once it succeeded, in the procedure's words (`PlanView.afterwards`). */
  afterwards: z.array(z.string()).optional(),
  /** When the run succeeded, if it was then undone (or is being undone) after success: with state `rolled-back`, undone after success. */
  succeededAt: z.string().optional(),
});
export type RunView = z.infer<typeof RunView>;

export const RunSummary = z.object({
  runId: z.string(),
  procedureId: z.string(),
  title: z.string(),
  state: RunState,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  host: z.string(),
  user: z.string(),
  /** Absent when the journal cannot tell (never started, does not verify). */
  environment: EnvironmentKind.optional(),
  /** Dotted paths of the secrets this run was started with: a resume asks for exactly these again. */
  secretFields: z.array(z.string()),
  /** Stopped leaving a state that must not stay (e.g. AD off): not a normal cancelled run. `attention` lists what. */
  needsAttention: z.boolean().optional(),
  attention: z.array(z.string()).optional(),
  /** When the run succeeded, if it was then undone (or is being undone) after success. */
  succeededAt: z.string().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** Pushed from main while a run goes on; `run` is the whole current view, so a listener never has to merge. */
export const RunEvent = z.object({
  type: z.enum(['state', 'step-started', 'log', 'step-finished', 'step-failed', 'prompt', 'finished']),
  runId: z.string(),
  stepId: z.string().optional(),
  line: z.string().optional(),
  run: RunView,
});
export type RunEvent = z.infer<typeof RunEvent>;

/**
 * What undoing a run will do (`run.rollbackPlan`, `breakglass rollback`), for a stopped run or a
 * succeeded one (undo after success), checked against the state now.
 */
export const RollbackPlan = z.object({
  runId: z.string(),
  state: RunState,
  /** False when a step's state moved on since it ran (or could not be checked), nothing can be undone, or the run is past its point of no return. */
  available: z.boolean(),
  reason: z.string().optional(),
  /**
   * The undos, newest first. `ok`: the state is still the one the step left; `moved-on`: it changed
   * since (reason says how); `cannot-check`: the check could not look (reason); `unchecked`: the step
   * has no check, or did not finish (reason says which). Only `moved-on` and `cannot-check` refuse.
   */
  steps: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      does: z.string(),
      status: z.enum(['ok', 'moved-on', 'cannot-check', 'unchecked']),
      reason: z.string().optional(),
    }),
  ),
});
export type RollbackPlan = z.infer<typeof RollbackPlan>;

export const DiscoveryReport = z.object({
  system: z.string(),
  title: z.string(),
  sections: z.array(z.object({ title: z.string(), facts: z.array(Fact) })),
});
export type DiscoveryReport = z.infer<typeof DiscoveryReport>;

export const ReportFormat = z.enum(['md', 'html', 'json']);
export type ReportFormat = z.infer<typeof ReportFormat>;
