import { randomUUID } from 'node:crypto';
import type { Decision, Prompt, RunEvent, RunState, RunView, StepProgress } from '../../shared/procedure.js';
import type { Actor } from './actor.js';
import { attentionOf, pendingLines, resumeWay, rollbackWay } from './attention.js';
import type { Journal } from './journal.js';
import type { EntryType, GateKey, JournalEntryData } from './journal-entries.js';
import { outageProgress, planPhases, runPhases, type OutageTimes } from './phases.js';
import type { PreparedPlan } from './planning.js';
import { redactedError } from './redacted-error.js';
import type { RunRecord } from './run-record.js';
import { RunLock, type RunConflict } from './run-lock.js';
import { checkpoint } from './checkpoints.js';
import { hostsProgress, lanesByHost, runLanes } from './hosts.js';
import { TargetLockHeld, type TargetLockHandle } from './target-lock.js';
import {
  StepFailure,
  type BackupStore,
  type PhaseDefinition,
  type StepContext,
  type StepDefinition,
} from './types.js';

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
  /** Roll back what the run changed instead of going on (`breakglass rollback`, `run.rollback`). */
  rollback?: boolean;
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
  private targetLock?: TargetLockHandle;
  /** Journal entries so far (read and appended): `RunView.revision`, monotonic across resumes. */
  private revision: number;
  private readonly outage: OutageTimes;
  private readonly phasesStarted: Set<string>;
  /** Steps' `ctx.signal`: aborted by `abort()` (the engine closing), so in-flight HTTP requests end. */
  private readonly stopSignal = new AbortController();
  /** Attempts per step in this process (journaled with each `step-started`). */
  private readonly attempts = new Map<string, number>();

  constructor(private readonly options: RunOptions) {
    const { record, prepared } = options;
    this.steps = record
      ? record.steps.map((step) => ({ ...step, logs: [...step.logs] }))
      : prepared.view.steps.map((step) => ({
          id: step.id,
          kind: step.kind,
          title: step.title,
          state: 'pending',
          logs: [],
          ...(step.phase === undefined ? {} : { phase: step.phase }),
          ...(step.host === undefined ? {} : { host: step.host }),
        }));
    this.outage = { ...record?.outage };
    this.phasesStarted = new Set(record?.phasesStarted ?? []);
    this.gates = new Set(record?.gates ?? []);
    this.rollingBack = record?.rollingBack ?? false;
    this.startedAt = record?.startedAt ?? new Date().toISOString();
    this.state = 'preflight';
    this.revision = options.journalEntries;
  }

  get runId(): string {
    return this.options.runId;
  }

  /** Aborts what the current step is waiting on (its `ctx.signal`); the step then fails as usual. */
  abort(): void {
    this.stopSignal.abort();
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
      // A stopped run's view (printed, returned) never carries the secrets its last prompt showed.
      prompt: this.prompt && this.finishedAt !== undefined ? withoutReveal(this.prompt) : this.prompt,
      error: this.error,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      journalPath: journal.filePath,
      journalHash: journal.finalHash,
      ...attentionOf(prepared.view.steps, this.steps, {
        state: this.state,
        stopped: this.finishedAt !== undefined,
        rollingBack: this.rollingBack,
      }),
      phases: runPhases(planPhases(prepared.view.phases, prepared.view.steps), this.steps),
      ...optionalHosts(hostsProgress(prepared.view.steps, this.steps)),
      ...(prepared.view.afterwards ? { afterwards: prepared.view.afterwards } : {}),
      ...(prepared.view.outage ? { outage: outageProgress(prepared.view.outage, this.outage) } : {}),
      ...(this.options.record?.succeededAt ? { succeededAt: this.options.record.succeededAt } : {}),
    };
  }

  /** Runs until the run succeeds, rolls back, fails, is cancelled or waits on a deferred prompt. */
  async execute(): Promise<RunView> {
    try {
      if (!(await this.holdLock())) return this.view();
      if (!(await this.holdTargetLock())) return this.view();
      const outcome = this.rollingBack || this.options.rollback ? 'rollback' : await this.forward();
      if (outcome === 'rollback') await this.rollback();
    } catch (error) {
      if (error instanceof PromptDeferred) this.stop('awaiting', error.message, this.prompt);
      else this.stop('failed', redactedError(error, this.options.prepared.redactor).message);
    } finally {
      await this.targetLock?.release();
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
      const decision = await this.ask({
        kind: 'confirm-changes',
        title: 'Take over a stale run lock?',
        message: lock.message,
        options: ['confirm', 'cancel'],
      });
      if (decision !== 'confirm') {
        this.stop('cancelled', 'Cancelled: the stale lock was not taken over.');
        return false;
      }
    }
    this.lock = RunLock.takeOver(lock, runId, actor);
    this.append('lock-taken-over', { previous: lock.holder, actor });
    return true;
  }

  /** The plan's lock on the target itself; held by another run, this run stops (failed, resumable) before any check. */
  private async holdTargetLock(): Promise<boolean> {
    const definition = this.options.prepared.plan.targetLock;
    if (!definition) return true;
    const { runId, actor, prepared } = this.options;
    try {
      this.targetLock = await definition.acquire({ runId, actor, target: prepared.plan.target });
    } catch (error) {
      if (!(error instanceof TargetLockHeld)) throw error;
      this.stop('failed', error.message);
      return false;
    }
    this.append('target-lock-taken', { where: definition.where });
    return true;
  }

  private async forward(): Promise<Outcome | 'finished'> {
    const { steps } = this.options.prepared;
    const fannedOut = this.fanOutPhases();
    const inFanOut = (step: StepDefinition) => fannedOut.some((phase) => phase.steps.includes(step));
    this.setState('preflight');
    // A host's checks run in its own lane, so that one host failing them does not stop the others.
    for (const step of steps.filter((candidate) => candidate.kind === 'check' && !inFanOut(candidate))) {
      if (this.progress(step.id).state === 'done') continue;
      const outcome = await this.runWithRecovery(step, true);
      if (outcome === 'stopped') return this.stopAfterFailure(step, true);
    }
    const actions = steps.filter((candidate) => candidate.kind !== 'check' || inFanOut(candidate));
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
    const fannedOutDone = new Set<string>();
    for (const step of actions) {
      const phase = fannedOut.find((candidate) => candidate.steps.includes(step));
      if (phase) {
        if (fannedOutDone.has(phase.id)) continue;
        fannedOutDone.add(phase.id);
        const outcome = await this.fanOut(phase);
        if (outcome === 'rollback' || outcome === 'stopped') return outcome;
        continue;
      }
      const progress = this.progress(step.id);
      if (progress.state === 'done' || progress.state === 'skipped') continue;
      const gate = await this.passGates(step);
      if (gate === 'rollback') return 'rollback';
      if (gate === 'cancel') return this.cancelled(`Cancelled before "${step.title}".`);
      const outcome = await this.runWithRecovery(step, false);
      if (outcome === 'rollback') return 'rollback';
      if (outcome === 'stopped') return this.stopAfterFailure(step, false);
    }
    this.finish('succeeded');
    return 'finished';
  }

  private fanOutPhases(): Array<PhaseDefinition & { fanOut: NonNullable<PhaseDefinition['fanOut']> }> {
    return (this.options.prepared.plan.phases ?? []).filter(
      (phase): phase is PhaseDefinition & { fanOut: NonNullable<PhaseDefinition['fanOut']> } =>
        phase.fanOut !== undefined,
    );
  }

  /**
   * A fan-out phase: its gates first (asked once, in plan order), then one lane per host, at most
   * `concurrency` at once; a failure ends only its own lane. Then, if hosts failed, the phase's
   * `onHostFailure`: go on without them, or ask (retry them, go on, roll back, stop).
   */
  private async fanOut(
    phase: PhaseDefinition & { fanOut: NonNullable<PhaseDefinition['fanOut']> },
  ): Promise<Outcome> {
    for (const step of phase.steps) {
      if (['done', 'skipped'].includes(this.progress(step.id).state)) continue;
      const gate = await this.passGates(step);
      if (gate === 'rollback') return 'rollback';
      if (gate === 'cancel') return this.cancelled(`Cancelled before "${phase.title}".`);
    }
    for (;;) {
      const lanes = [...lanesByHost(phase.steps)].filter(([, lane]) =>
        lane.some((step) => !['done', 'skipped'].includes(this.progress(step.id).state)),
      );
      await runLanes(lanes, phase.fanOut.concurrency, async ([, lane]) => {
        for (const step of lane) {
          if (['done', 'skipped'].includes(this.progress(step.id).state)) continue;
          if (await this.attempt(step)) return;
        }
      });
      const failed = phase.steps.filter((step) => this.progress(step.id).state === 'failed');
      if (failed.length === 0) return 'done';
      const lines = failed.map((step) => `${step.host ?? ''}: ${this.progress(step.id).message ?? 'failed'}`);
      const first = failed[0] as StepDefinition;
      if (phase.fanOut.onHostFailure === 'continue') {
        this.append('hosts-left', { phaseId: phase.id, hosts: failed.map((step) => step.host ?? '') });
        return 'done';
      }
      const back = rollbackWay(this.options.prepared.view.steps, this.steps).available;
      const decision = await this.decide({
        kind: 'failure',
        stepId: first.id,
        title: `${failed.length} of ${lanesByHost(phase.steps).size} hosts failed: ${phase.title}`,
        message: `${lines.join(' ')} The other hosts are done. Retry the failed ones, go on without them (they stay failed and the run needs attention), ${back ? 'roll back, ' : ''}or stop (resume later).`,
        instructions: lines,
        options: ['retry', 'continue', ...(back ? (['rollback'] as const) : []), 'cancel'],
        labels: { retry: 'Retry the failed hosts', continue: 'Go on without them' },
      });
      this.append('decision', { stepId: first.id, decision });
      if (decision === 'retry') continue;
      if (decision === 'continue') {
        this.append('hosts-left', { phaseId: phase.id, hosts: failed.map((step) => step.host ?? '') });
        return 'done';
      }
      if (decision === 'rollback') return 'rollback';
      this.stop('failed', `Stopped in "${phase.title}": ${lines.join(' ')}`);
      return 'stopped';
    }
  }

  private async passGates(step: StepDefinition): Promise<'go' | 'cancel' | 'rollback'> {
    const description = this.describe(step);
    const window = this.options.prepared.view.outage;
    const inWindow = window?.stepIds.includes(step.id) ?? false;
    this.startPhaseOf(step.id);
    if (window && inWindow && !this.gates.has('outage-window')) {
      const decision = await this.decide({
        kind: 'confirm-outage',
        stepId: step.id,
        title: `Outage window: about ${window.expectedMinutes} minute${window.expectedMinutes === 1 ? '' : 's'}`,
        message: `${window.impact}. The outage starts with "${step.title}" and lasts until "${this.title(window.stepIds.at(-1))}" is done (${window.stepIds.length} step${window.stepIds.length === 1 ? '' : 's'}, about ${window.expectedMinutes} min).${this.servicesGoingDown(window.stepIds)} This is asked once for the whole window.`,
        instructions: window.stepIds.map((id) => this.title(id)),
        options: ['confirm', 'cancel'],
      });
      if (decision !== 'confirm') return decision === 'rollback' ? 'rollback' : 'cancel';
      this.confirmGate('outage-window');
    }
    if (window && inWindow && !this.outage.openedAt) {
      this.outage.openedAt = this.append('outage-opened', { expectedMinutes: window.expectedMinutes });
    }
    if (!inWindow && description.outage && !this.gates.has(`outage:${step.id}`)) {
      const services = description.services?.stop.length
        ? ` Services going down: ${description.services.stop.join(', ')}.`
        : '';
      const decision = await this.decide({
        kind: 'confirm-outage',
        stepId: step.id,
        title: `Outage: ${step.title}`,
        message: `${description.summary}${services} Users cannot work until the run brings them back.`,
        options: ['confirm', 'cancel'],
      });
      if (decision !== 'confirm') return decision === 'rollback' ? 'rollback' : 'cancel';
      this.confirmGate(`outage:${step.id}`);
    }
    if (step.kind === 'manual' && !this.gates.has(`manual:${step.id}`)) {
      const check = step.manualCheck
        ? `Breakglass then checks that ${step.manualCheck}.`
        : 'Breakglass cannot check this: it is recorded as confirmed by you (not checked).';
      const decision = await this.decide({
        kind: 'manual',
        stepId: step.id,
        title: step.title,
        message: `${description.summary} Do this now, then confirm. ${check}`,
        instructions: description.instructions,
        options: ['confirm', 'cancel'],
      });
      if (decision !== 'confirm') return decision === 'rollback' ? 'rollback' : 'cancel';
      this.confirmGate(`manual:${step.id}`);
    }
    return 'go';
  }

  private async runWithRecovery(step: StepDefinition, preflight: boolean): Promise<Outcome> {
    for (;;) {
      const failure = await this.attempt(step);
      if (!failure) return 'done';
      const options = this.failureOptions(step, preflight);
      const decision = await this.decide({
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
        const finishedAt = this.append('step-skipped', { stepId: step.id, reason });
        this.updateStep(step.id, { state: 'skipped', message: reason, finishedAt });
        this.afterStepOver(step.id);
        this.emit('step-finished', step.id);
        return 'skipped';
      }
      return decision === 'rollback' ? 'rollback' : 'stopped';
    }
  }

  /** One attempt at a step: intent, run, its own check, outcome. Returns the (redacted) failure, if any. */
  private async attempt(step: StepDefinition): Promise<StepFailure | undefined> {
    const attempt = (this.attempts.get(step.id) ?? 0) + 1;
    this.attempts.set(step.id, attempt);
    this.startPhaseOf(step.id);
    const startedAt = this.append('step-started', { stepId: step.id, attempt });
    this.updateStep(step.id, { state: 'running', message: undefined, startedAt, finishedAt: undefined });
    this.emit('step-started', step.id);
    await checkpoint(step.id, 'before');
    const ctx = this.context(step.id);
    try {
      await step.run(ctx);
      await checkpoint(step.id, 'during');
      await step.check?.(ctx);
    } catch (error) {
      const failure = toStepFailure(redactedError(error, this.options.prepared.redactor));
      const finishedAt = this.append('step-failed', {
        stepId: step.id,
        error: failure.message,
        fix: failure.fix,
      });
      this.updateStep(step.id, {
        finishedAt,
        state: 'failed',
        message: failure.fix ? `${failure.message} Fix: ${failure.fix}` : failure.message,
      });
      this.emit('step-failed', step.id);
      return failure;
    }
    if (step.kind === 'manual' && !step.manualCheck) ctx.log('Confirmed by the admin (not checked).');
    const finishedAt = this.append('step-done', { stepId: step.id });
    this.updateStep(step.id, { state: 'done', message: undefined, finishedAt });
    this.afterStepOver(step.id);
    this.emit('step-finished', step.id);
    await checkpoint(step.id, 'after');
    return undefined;
  }

  /** Undoes every started change in reverse order, each undo journaled; resumable midway. */
  private async rollback(): Promise<void> {
    if (!this.rollingBack) {
      this.rollingBack = true;
      this.append('rollback-started', {});
    }
    this.setState('running');
    const steps = [...this.options.prepared.steps].reverse();
    for (const step of steps) {
      const progress = this.progress(step.id);
      if (step.kind === 'check' || !step.undo || !['done', 'failed', 'running'].includes(progress.state))
        continue;
      for (;;) {
        const startedAt = this.append('undo-started', { stepId: step.id });
        this.updateStep(step.id, { message: 'undoing', startedAt, finishedAt: undefined });
        this.emit('step-started', step.id);
        try {
          await step.undo(this.context(step.id));
          const finishedAt = this.append('undo-done', { stepId: step.id });
          this.updateStep(step.id, { state: 'undone', message: undefined, finishedAt });
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
    this.closeOutage('rollback');
    this.finish('rolled-back');
  }

  private stopAfterFailure(step: StepDefinition, preflight: boolean): 'stopped' {
    const message = this.progress(step.id).message ?? 'failed';
    this.stop(
      'failed',
      preflight
        ? `Preflight failed at "${step.title}": ${message} Nothing was changed.`
        : `Stopped at "${step.title}": ${message}`,
    );
    return 'stopped';
  }

  private cancelled(message: string): 'stopped' {
    this.stop('cancelled', message);
    return 'stopped';
  }

  /** Retry / rollback / continue as the step allows (rollback only while it is still possible), and always stop. */
  private failureOptions(step: StepDefinition, preflight: boolean): Decision[] {
    const allowed = preflight ? ['retry' as const] : (step.onFailure ?? ['retry', 'rollback', 'continue']);
    const rollbackPossible = rollbackWay(this.options.prepared.view.steps, this.steps).available;
    return [...allowed.filter((decision) => decision !== 'rollback' || rollbackPossible), 'cancel'];
  }

  /**
   * Asks; a cancel that would leave changes in place and a rollback are confirmed first by a
   * second question listing what stays (and must be brought back) or what will be undone. Its
   * cancel means "go back": the first question is asked again.
   */
  private async decide(input: PromptInput): Promise<Decision> {
    for (;;) {
      const decision = await this.ask(input);
      if (
        decision === 'cancel' &&
        this.steps.some((step) => step.kind !== 'check' && step.state !== 'pending')
      ) {
        const confirmed = await this.confirmCancel(input.stepId);
        if (confirmed === 'cancel') continue;
        if (confirmed === 'rollback') return 'rollback';
        return 'cancel';
      }
      if (decision === 'rollback' && (await this.confirmRollback(input.stepId)) === 'cancel') continue;
      return decision;
    }
  }

  private async confirmCancel(stepId: string | undefined): Promise<Decision> {
    const planned = this.options.prepared.view.steps;
    const attention = attentionOf(planned, this.steps, {
      state: 'cancelled',
      stopped: true,
      rollingBack: false,
    }).attention;
    const pending = attention ? pendingLines(attention.pending) : [];
    const back = rollbackWay(planned, this.steps);
    const forward = resumeWay(planned, this.steps, false);
    const stays = this.steps
      .filter(
        (step) =>
          step.kind !== 'check' &&
          (step.state === 'done' || step.state === 'failed' || step.state === 'running'),
      )
      .map((step) => step.title);
    return this.ask({
      kind: 'confirm-cancel',
      stepId,
      title:
        pending.length > 0
          ? 'Stop the run and leave production degraded?'
          : 'Stop the run with its changes in place?',
      message: [
        pending.length > 0
          ? `Stopping now leaves: ${pending.join('; ')}. The run will show as needing attention until that is brought back.`
          : `Stopping now undoes nothing: ${stays.map((title) => `"${title}"`).join(', ')} stay as they are.`,
        back.available
          ? `Roll back undoes, newest first: ${back.steps.map((step) => step.does).join(' ')}`
          : `Rollback is not possible: ${back.reason ?? ''}`,
        forward.available
          ? `Resume later runs: ${forward.steps.map((step) => `"${step.title}"`).join(', ')}.`
          : '',
      ]
        .filter(Boolean)
        .join(' '),
      instructions: [
        ...pending.map((line) => `Left in place: ${line}`),
        ...back.steps.map((step) => `Rollback: ${step.title} — ${step.does}`),
      ],
      options: back.available ? ['confirm', 'rollback', 'cancel'] : ['confirm', 'cancel'],
      labels: {
        confirm: pending.length > 0 ? 'Stop anyway (needs attention)' : 'Stop here',
        rollback: 'Roll back instead',
        cancel: 'Go back',
      },
    });
  }

  private async confirmRollback(stepId: string | undefined): Promise<Decision> {
    const back = rollbackWay(this.options.prepared.view.steps, this.steps);
    return this.ask({
      kind: 'confirm-rollback',
      stepId,
      title: 'Roll back?',
      message: `Rolling back undoes ${back.steps.length} step${back.steps.length === 1 ? '' : 's'}, newest first. Steps without an undo stay as they are.`,
      instructions: back.steps.map((step) => `${step.title} — ${step.does}`),
      options: ['confirm', 'cancel'],
      labels: { confirm: 'Roll back now', cancel: 'Go back' },
    });
  }

  /** Asks; everything in the prompt is masked, except `reveal`: the secrets a store-secrets prompt shows once. */
  private async ask(input: PromptInput, reveal?: Prompt['reveal']): Promise<Decision> {
    const prompt: Prompt = {
      ...this.options.prepared.redactor.redactValue({
        ...input,
        id: randomUUID(),
        instructions: input.instructions ?? [],
      }),
      ...(reveal ? { reveal } : {}),
    };
    const resumeState = this.state;
    this.prompt = prompt;
    this.setState('awaiting', 'prompt');
    const decision = await this.options.hooks.decide(prompt);
    if (!prompt.options.includes(decision))
      throw new Error(
        `"${decision}" is not an answer to "${prompt.title}" (expected ${prompt.options.join(', ')})`,
      );
    this.prompt = undefined;
    this.setState(resumeState);
    return decision;
  }

  private startPhaseOf(stepId: string): void {
    const phase = this.phaseOf(stepId);
    if (!phase || this.phasesStarted.has(phase.id)) return;
    this.phasesStarted.add(phase.id);
    this.append('phase-started', { phaseId: phase.id });
  }

  /** A step is over (done or skipped): its phase may be finished, and the outage window closes after its last step. */
  private afterStepOver(stepId: string): void {
    if (this.options.prepared.view.outage?.stepIds.at(-1) === stepId) this.closeOutage('forward');
    const phase = this.phaseOf(stepId);
    if (phase && phase.stepIds.every((id) => ['done', 'skipped'].includes(this.progress(id).state)))
      this.append('phase-finished', { phaseId: phase.id });
  }

  private closeOutage(by: 'forward' | 'rollback'): void {
    if (!this.outage.openedAt || this.outage.closedAt) return;
    const now = new Date();
    const downMs = Math.max(0, now.getTime() - Date.parse(this.outage.openedAt));
    this.outage.closedAt = this.append('outage-closed', { downMs, by }, now);
  }

  private phaseOf(stepId: string) {
    return this.options.prepared.view.phases?.find((phase) => phase.stepIds.includes(stepId));
  }

  private title(stepId: string | undefined): string {
    return this.steps.find((step) => step.id === stepId)?.title ?? String(stepId);
  }

  private servicesGoingDown(stepIds: readonly string[]): string {
    const services = this.options.prepared.view.steps
      .filter((step) => stepIds.includes(step.id))
      .flatMap((step) => step.description.services?.stop ?? []);
    return services.length > 0 ? ` Services going down: ${[...new Set(services)].join(', ')}.` : '';
  }

  private confirmGate(gate: GateKey): void {
    this.gates.add(gate);
    this.append('gate-confirmed', { gate });
  }

  private context(stepId: string): StepContext {
    const { prepared, backups } = this.options;
    const host = this.progress(stepId).host;
    return {
      ...(host === undefined ? {} : { host }),
      hosts: () => hostsProgress(prepared.view.steps, this.steps) ?? [],
      env: prepared.env,
      backup: backups,
      log: (line: string) => {
        const redacted = prepared.redactor.redact(line);
        this.append('step-log', { stepId, line: redacted });
        this.progress(stepId).logs.push(redacted);
        this.emit('log', stepId, redacted);
      },
      addSecret: (value: string) => prepared.redactor.add(value),
      showOnce: (secrets) => this.showOnce(stepId, secrets),
      signal: this.stopSignal.signal,
    };
  }

  private async showOnce(stepId: string, secrets: Array<{ label: string; value: string }>): Promise<boolean> {
    if (this.fanOutPhases().some((phase) => phase.steps.some((step) => step.id === stepId)))
      throw new Error(`Step ${stepId} runs in a fan-out lane, where no one can be asked to store a secret`);
    for (const secret of secrets) this.options.prepared.redactor.add(secret.value);
    const it = secrets.length === 1 ? 'it' : 'them';
    const decision = await this.ask(
      {
        kind: 'store-secrets',
        stepId,
        title: `Store ${secrets.length === 1 ? 'this secret' : `these ${secrets.length} secrets`} now`,
        message: `Shown this once: ${secrets.map((secret) => secret.label).join(', ')}. Put ${it} in your password safe now; Breakglass does not show ${it} again.`,
        options: ['confirm', 'cancel'],
        labels: { confirm: 'I have stored them safely', cancel: 'Not stored: stop this step' },
      },
      secrets,
    );
    if (decision !== 'confirm') return false;
    this.append('secrets-shown', { stepId, labels: secrets.map((secret) => secret.label) });
    return true;
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
    this.append('run-stopped', {
      state,
      error,
      prompt: prompt && { kind: prompt.kind, stepId: prompt.stepId, title: prompt.title },
    });
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

  /** Journals an entry (redacted); returns its time. */
  private append<T extends EntryType>(type: T, data: JournalEntryData[T], now?: Date): string {
    const entry = this.options.journal.append(
      type,
      this.options.prepared.redactor.redactValue(JSON.parse(JSON.stringify(data)) as object),
      now,
    );
    this.revision = entry.seq;
    return entry.at;
  }

  private emit(type: RunEvent['type'], stepId?: string, line?: string): void {
    this.options.hooks.onEvent?.({ type, runId: this.options.runId, stepId, line, run: this.view() });
  }
}

function withoutReveal(prompt: Prompt): Prompt {
  const { reveal: _shown, ...rest } = prompt;
  return rest;
}

function optionalHosts(hosts: RunView['hosts']): Pick<RunView, 'hosts'> {
  return hosts ? { hosts } : {};
}

function toStepFailure(error: Error): StepFailure {
  return error instanceof StepFailure ? error : new StepFailure(error.message);
}
