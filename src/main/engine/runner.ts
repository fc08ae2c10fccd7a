import { randomUUID } from 'node:crypto';
import type { Decision, Prompt, RunEvent, RunState, RunView, StepProgress } from '../../shared/procedure.js';
import type { Actor } from './actor.js';
import type { Journal } from './journal.js';
import type { EntryType, GateKey, JournalEntryData } from './journal-entries.js';
import type { PreparedPlan } from './planning.js';
import { redactedError } from './redacted-error.js';
import type { RunRecord } from './run-record.js';
import { RunLock, type RunConflict } from './run-lock.js';
import { pauseForTest } from './test-pause.js';
import { StepFailure, type BackupStore, type StepContext, type StepDefinition } from './types.js';

/** How a run talks to whoever drives it: the CLI (TTY or --yes) or the API (events + run.respond). */
export interface RunHooks {
  onEvent?(event: RunEvent): void;
  /** Answers a prompt; throw PromptDeferred to leave the run waiting (state `awaiting`) for a later resume. */
  decide(prompt: Prompt): Promise<Decision>;
}

/** Thrown by a `decide` hook that cannot answer now (e.g. a manual step with no TTY): the run stops, awaiting. */
export class PromptDeferred extends Error {
  constructor(message = 'The run is waiting for an answer') {
    super(message);
    this.name = 'PromptDeferred';
  }
}

export interface RunOptions {
  runId: string;
  prepared: PreparedPlan;
  journal: Journal;
  backups: BackupStore;
  actor: Actor;
  hooks: RunHooks;
  /** The lock, or the stale lock to take over after the admin confirms. */
  lock: RunLock | RunConflict;
  /** When resuming: the run as its journal tells it. */
  record?: RunRecord;
  /** Entries already in the journal when this Run takes over (`run-created`, or the old ones plus `resumed`): the revision views start from. */
  journalEntries: number;
}

type Outcome = 'done' | 'skipped' | 'rollback' | 'stopped';
type PromptInput = Omit<Prompt, 'id' | 'instructions'> & { instructions?: string[] };

/** Runs a prepared plan: preflight, gates, steps, failure handling, rollback — journaling each move. */
export class Run {
  private state: RunState;
  private readonly steps: StepProgress[];
  private readonly gates: Set<GateKey>;
  private rollingBack: boolean;
  private prompt?: Prompt;
  private error?: string;
  private finishedAt?: string;
  private readonly startedAt: string;
  private lock?: RunLock;
  /** Journal entries so far (read and appended): `RunView.revision`, monotonic across resumes. */
  private revision: number;

  constructor(private readonly options: RunOptions) {
    const { record, prepared } = options;
    this.steps = record
      ? record.steps.map((step) => ({ ...step, logs: [...step.logs] }))
      : prepared.view.steps.map((step) => ({ id: step.id, kind: step.kind, title: step.title, state: 'pending', logs: [] }));
    this.gates = new Set(record?.gates ?? []);
    this.rollingBack = record?.rollingBack ?? false;
    this.startedAt = record?.startedAt ?? new Date().toISOString();
    this.state = 'preflight';
    this.revision = options.journalEntries;
  }

  get runId(): string {
    return this.options.runId;
  }

  view(): RunView {
    const { prepared, journal } = this.options;
    return {
      runId: this.options.runId,
      revision: this.revision,
      procedureId: prepared.procedure.id,
      title: prepared.procedure.title,
      environment: prepared.env.kind,
      target: prepared.plan.target,
      state: this.state,
      steps: this.steps.map((step) => ({ ...step, logs: [...step.logs] })),
      prompt: this.prompt,
      error: this.error,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      journalPath: journal.filePath,
      journalHash: journal.finalHash,
    };
  }

  /** Runs until the run succeeds, rolls back, fails, is cancelled or waits on a deferred prompt. */
  async execute(): Promise<RunView> {
    try {
      if (!(await this.holdLock())) return this.view();
      const outcome = this.rollingBack ? 'rollback' : await this.forward();
      if (outcome === 'rollback') await this.rollback();
    } catch (error) {
      if (error instanceof PromptDeferred) this.stop('awaiting', error.message, this.prompt);
      else this.stop('failed', redactedError(error, this.options.prepared.redactor).message);
    } finally {
      this.lock?.release();
      this.options.journal.close();
    }
    return this.view();
  }

  private async holdLock(): Promise<boolean> {
    const { lock, actor, runId } = this.options;
    if (lock instanceof RunLock) {
      this.lock = lock;
      return true;
    }
    if (lock.holder.runId !== runId) {
      const decision = await this.ask({ kind: 'confirm-changes', title: 'Take over a stale run lock?', message: lock.message, options: ['confirm', 'cancel'] });
      if (decision !== 'confirm') {
        this.stop('cancelled', 'Cancelled: the stale lock was not taken over.');
        return false;
      }
    }
    this.lock = RunLock.takeOver(lock, runId, actor);
    this.append('lock-taken-over', { previous: lock.holder, actor });
    return true;
  }

  private async forward(): Promise<Outcome | 'finished'> {
    const { steps } = this.options.prepared.plan;
    this.setState('preflight');
    for (const step of steps.filter((candidate) => candidate.kind === 'check')) {
      if (this.progress(step.id).state === 'done') continue;
      const outcome = await this.runWithRecovery(step, true);
      if (outcome === 'stopped') return this.stopAfterFailure(step, true);
    }
    const actions = steps.filter((candidate) => candidate.kind !== 'check');
    if (actions.length > 0 && !this.gates.has('changes')) {
      const decision = await this.ask({
        kind: 'confirm-changes',
        title: 'Apply the changes?',
        message: `All checks passed. Confirm to start making changes (${actions.length} step${actions.length === 1 ? '' : 's'}).`,
        options: ['confirm', 'cancel'],
      });
      if (decision !== 'confirm') return this.cancelled('Cancelled before any change was made.');
      this.confirmGate('changes');
    }
    this.setState('running');
    for (const step of actions) {
      const progress = this.progress(step.id);
      if (progress.state === 'done' || progress.state === 'skipped') continue;
      if (!(await this.passGates(step))) return this.cancelled(`Cancelled before "${step.title}".`);
      const outcome = await this.runWithRecovery(step, false);
      if (outcome === 'rollback') return 'rollback';
      if (outcome === 'stopped') return this.stopAfterFailure(step, false);
    }
    this.finish('succeeded');
    return 'finished';
  }

  private async passGates(step: StepDefinition): Promise<boolean> {
    const description = this.describe(step);
    if (description.outage && !this.gates.has(`outage:${step.id}`)) {
      const services = description.services?.stop.length ? ` Services going down: ${description.services.stop.join(', ')}.` : '';
      const decision = await this.ask({
        kind: 'confirm-outage',
        stepId: step.id,
        title: `Outage: ${step.title}`,
        message: `${description.summary}${services} Users cannot work until the run brings them back.`,
        options: ['confirm', 'cancel'],
      });
      if (decision !== 'confirm') return false;
      this.confirmGate(`outage:${step.id}`);
    }
    if (step.kind === 'manual' && !this.gates.has(`manual:${step.id}`)) {
      const decision = await this.ask({
        kind: 'manual',
        stepId: step.id,
        title: step.title,
        message: `${description.summary} Do this now, then confirm; Breakglass then checks it.`,
        instructions: description.instructions,
        options: ['confirm', 'cancel'],
      });
      if (decision !== 'confirm') return false;
      this.confirmGate(`manual:${step.id}`);
    }
    return true;
  }

  private async runWithRecovery(step: StepDefinition, preflight: boolean): Promise<Outcome> {
    for (let attempt = 1; ; attempt += 1) {
      const failure = await this.attempt(step, attempt);
      if (!failure) return 'done';
      const options: Decision[] = preflight ? ['retry', 'cancel'] : ['retry', 'rollback', 'continue', 'cancel'];
      const decision = await this.ask({
        kind: 'failure',
        stepId: step.id,
        title: `${preflight ? 'Check failed' : 'Step failed'}: ${step.title}`,
        message: failure.fix ? `${failure.message} Fix: ${failure.fix}` : failure.message,
        options,
      });
      this.append('decision', { stepId: step.id, decision });
      if (decision === 'retry') continue;
      if (decision === 'continue') {
        const reason = 'fixed by hand; the admin chose to continue';
        this.append('step-skipped', { stepId: step.id, reason });
        this.updateStep(step.id, { state: 'skipped', message: reason });
        this.emit('step-finished', step.id);
        return 'skipped';
      }
      return decision === 'rollback' ? 'rollback' : 'stopped';
    }
  }

  /** One attempt at a step: intent, run, its own check, outcome. Returns the (redacted) failure, if any. */
  private async attempt(step: StepDefinition, attempt: number): Promise<StepFailure | undefined> {
    this.append('step-started', { stepId: step.id, attempt });
    this.updateStep(step.id, { state: 'running', message: undefined });
    this.emit('step-started', step.id);
    await pauseForTest(step.id, 'before');
    const ctx = this.context(step.id);
    try {
      await step.run(ctx);
      await pauseForTest(step.id, 'during');
      await step.check?.(ctx);
    } catch (error) {
      const failure = toStepFailure(redactedError(error, this.options.prepared.redactor));
      this.append('step-failed', { stepId: step.id, error: failure.message, fix: failure.fix });
      this.updateStep(step.id, { state: 'failed', message: failure.fix ? `${failure.message} Fix: ${failure.fix}` : failure.message });
      this.emit('step-failed', step.id);
      return failure;
    }
    this.append('step-done', { stepId: step.id });
    this.updateStep(step.id, { state: 'done', message: undefined });
    this.emit('step-finished', step.id);
    await pauseForTest(step.id, 'after');
    return undefined;
  }

  /** Undoes every started change in reverse order, each undo journaled; resumable midway. */
  private async rollback(): Promise<void> {
    if (!this.rollingBack) {
      this.rollingBack = true;
      this.append('rollback-started', {});
    }
    this.setState('running');
    const steps = [...this.options.prepared.plan.steps].reverse();
    for (const step of steps) {
      const progress = this.progress(step.id);
      if (step.kind === 'check' || !step.undo || !['done', 'failed', 'running'].includes(progress.state)) continue;
      for (;;) {
        this.append('undo-started', { stepId: step.id });
        this.updateStep(step.id, { message: 'undoing' });
        this.emit('step-started', step.id);
        try {
          await step.undo(this.context(step.id));
          this.append('undo-done', { stepId: step.id });
          this.updateStep(step.id, { state: 'undone', message: undefined });
          this.emit('step-finished', step.id);
          break;
        } catch (error) {
          const failure = toStepFailure(redactedError(error, this.options.prepared.redactor));
          this.append('undo-failed', { stepId: step.id, error: failure.message });
          this.updateStep(step.id, { message: `undo failed: ${failure.message}` });
          this.emit('step-failed', step.id);
          const decision = await this.ask({
            kind: 'failure',
            stepId: step.id,
            title: `Undo failed: ${step.title}`,
            message: `${failure.message} Retry, undo it by hand and continue, or stop (the rollback resumes with \`breakglass resume\`).`,
            options: ['retry', 'continue', 'cancel'],
          });
          this.append('decision', { stepId: step.id, decision });
          if (decision === 'retry') continue;
          if (decision === 'continue') {
            this.append('step-skipped', { stepId: step.id, reason: 'undone by hand' });
            this.updateStep(step.id, { state: 'skipped', message: 'undone by hand' });
            break;
          }
          this.stop('failed', `Rollback stopped at "${step.title}": ${failure.message}`);
          return;
        }
      }
    }
    this.finish('rolled-back');
  }

  private stopAfterFailure(step: StepDefinition, preflight: boolean): 'stopped' {
    const message = this.progress(step.id).message ?? 'failed';
    this.stop('failed', preflight ? `Preflight failed at "${step.title}": ${message} Nothing was changed.` : `Stopped at "${step.title}": ${message}`);
    return 'stopped';
  }

  private cancelled(message: string): 'stopped' {
    this.stop('cancelled', message);
    return 'stopped';
  }

  private async ask(input: PromptInput): Promise<Decision> {
    const prompt: Prompt = this.options.prepared.redactor.redactValue({ ...input, id: randomUUID(), instructions: input.instructions ?? [] });
    const resumeState = this.state;
    this.prompt = prompt;
    this.setState('awaiting', 'prompt');
    const decision = await this.options.hooks.decide(prompt);
    if (!prompt.options.includes(decision)) throw new Error(`"${decision}" is not an answer to "${prompt.title}" (expected ${prompt.options.join(', ')})`);
    this.prompt = undefined;
    this.setState(resumeState);
    return decision;
  }

  private confirmGate(gate: GateKey): void {
    this.gates.add(gate);
    this.append('gate-confirmed', { gate });
  }

  private context(stepId: string): StepContext {
    const { prepared, backups } = this.options;
    return {
      env: prepared.env,
      backup: backups,
      log: (line: string) => {
        const redacted = prepared.redactor.redact(line);
        this.append('step-log', { stepId, line: redacted });
        this.progress(stepId).logs.push(redacted);
        this.emit('log', stepId, redacted);
      },
      addSecret: (value: string) => prepared.redactor.add(value),
    };
  }

  private describe(step: StepDefinition) {
    const planned = this.options.prepared.view.steps.find((candidate) => candidate.id === step.id);
    if (!planned) throw new Error(`Step ${step.id} is not in the plan`);
    return planned.description;
  }

  private progress(stepId: string): StepProgress {
    const progress = this.steps.find((step) => step.id === stepId);
    if (!progress) throw new Error(`Step ${stepId} is not in the plan`);
    return progress;
  }

  private updateStep(stepId: string, change: Partial<StepProgress>): void {
    Object.assign(this.progress(stepId), change);
  }

  private stop(state: RunState, error?: string, prompt?: Prompt): void {
    this.error = error;
    this.finishedAt = new Date().toISOString();
    this.append('run-stopped', { state, error, prompt: prompt && { kind: prompt.kind, stepId: prompt.stepId, title: prompt.title } });
    this.setState(state, 'finished');
  }

  private finish(state: 'succeeded' | 'rolled-back'): void {
    this.error = undefined;
    this.finishedAt = new Date().toISOString();
    this.append('run-finished', { state });
    this.setState(state, 'finished');
  }

  private setState(state: RunState, event: RunEvent['type'] = 'state'): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed || event !== 'state') this.emit(event);
  }

  private append<T extends EntryType>(type: T, data: JournalEntryData[T]): void {
    const entry = this.options.journal.append(type, this.options.prepared.redactor.redactValue(JSON.parse(JSON.stringify(data)) as object));
    this.revision = entry.seq;
  }

  private emit(type: RunEvent['type'], stepId?: string, line?: string): void {
    this.options.hooks.onEvent?.({ type, runId: this.options.runId, stepId, line, run: this.view() });
  }
}

function toStepFailure(error: Error): StepFailure {
  return error instanceof StepFailure ? error : new StepFailure(error.message);
}
