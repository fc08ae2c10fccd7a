import fs from 'node:fs';
import path from 'node:path';
import type {
  DiscoveryReport,
  EnvironmentKind,
  ProcedureSummary,
  ReportFormat,
  RollbackPlan,
  RunSummary,
  RunView,
  WayOut,
} from '../../shared/procedure.js';
import { Redactor } from '../../shared/redact.js';
import { currentActor } from './actor.js';
import { attentionLines, rollbackWay } from './attention.js';
import { changedSteps } from './plan-match.js';
import { RunBackupStore } from './backups.js';
import { createEnvironment } from './environments.js';
import { withSecrets } from './input-secrets.js';
import { installJournalSeal, type JournalSeal } from './journal-seal.js';
import {
  JOURNAL_FILE,
  Journal,
  JournalEmpty,
  JournalTampered,
  readJournal,
  type JournalEntry,
} from './journal.js';
import type { RunCreated } from './journal-entries.js';
import { preparePlan, type PreparedPlan } from './planning.js';
import { NotFound, ProcedureRegistry } from './registry.js';
import { buildReportData } from './report/report-data.js';
import { renderReport, type RenderedReport } from './report/index.js';
import { planRollback } from './rollback-plan.js';
import { isRunId, newRunId } from './run-id.js';
import { currentHolder, RunLock, type RunConflict } from './run-lock.js';
import { foldJournal, isResumable, recordSummary, recordView, type RunRecord } from './run-record.js';
import { Run, type RunHooks } from './runner.js';
import { Sandbox } from './sandbox/sandbox.js';
import { createVerifier, matchesVerifier } from './secret-verifier.js';
import { InputError, ProcedureRefusal, type Environment, type SystemModule } from './types.js';

/** A run started in this process: its live view, and a promise of its view when it stops. */
export interface RunHandle {
  run: Run;
  done: Promise<RunView>;
}

/**
 * The one entry point the API and the CLI share: procedures, plans, runs (start, resume, view,
 * list), reports. Runs live in `<dataDir>/runs/<runId>/`, locks in `<dataDir>/locks/`, the
 * practice sandbox in `<dataDir>/sandbox/`.
 */
export class Engine {
  readonly registry: ProcedureRegistry;
  readonly sandbox: Sandbox;
  private readonly active = new Map<string, Run>();
  private readonly environments = new Map<string, Environment>();
  private installSeal?: JournalSeal;

  constructor(
    readonly dataDir: string,
    systems: readonly SystemModule[],
  ) {
    this.registry = new ProcedureRegistry(systems);
    this.sandbox = new Sandbox(dataDir);
  }

  private get runsDir(): string {
    return path.join(this.dataDir, 'runs');
  }

  private get locksDir(): string {
    return path.join(this.dataDir, 'locks');
  }

  /** This installation's journal key, made on first use (a command that reads no journal makes none). */
  get journalSeal(): JournalSeal {
    this.installSeal ??= installJournalSeal(this.dataDir);
    return this.installSeal;
  }

  summaries(): ProcedureSummary[] {
    return this.registry.summaries();
  }

  environment(kind: EnvironmentKind, systemId: string): Environment {
    const key = `${kind}:${systemId}`;
    let env = this.environments.get(key);
    if (!env) {
      env = createEnvironment(kind, this.registry.system(systemId), this.sandbox);
      this.environments.set(key, env);
    }
    return env;
  }

  /** What a system finds on this machine (or in its practice sandbox); reads only. */
  async discover(
    systemId: string,
    options: Record<string, unknown>,
    kind: EnvironmentKind,
  ): Promise<DiscoveryReport> {
    const system = this.registry.system(systemId);
    if (!system.discover) throw new NotFound(`System "${system.id}" has no discovery.`);
    if (kind === 'sandbox') await this.sandbox.databaseUrl(system);
    return system.discover(options, this.environment(kind, system.id));
  }

  /** Validates inputs and builds the plan; changes nothing. */
  async plan(procedureId: string, inputs: unknown, kind: EnvironmentKind): Promise<PreparedPlan> {
    const { procedure } = this.registry.get(procedureId);
    // A plan reads the sandbox's files and services, so its seed must exist first.
    if (kind === 'sandbox') await this.sandbox.databaseUrl(this.registry.system(procedure.system));
    return preparePlan(procedure, inputs, this.environment(kind, procedure.system));
  }

  /** Takes the target's lock (or refuses with RunConflict), journals the run and starts it in the background. */
  start(prepared: PreparedPlan, hooks: RunHooks): RunHandle {
    const runId = newRunId();
    const actor = currentActor();
    let lock = this.lockFor(prepared.plan.target, runId);
    // A stale lock whose run never started (empty journal: killed before its first entry) changed
    // nothing: it does not block this run, and is taken over without asking.
    const neverStarted =
      !(lock instanceof RunLock) && this.neverStarted(lock.holder.runId) ? lock.holder : undefined;
    if (neverStarted) lock = RunLock.takeOver(lock as RunConflict, runId, actor);
    const runDir = this.runDir(runId);
    let journal: Journal;
    try {
      fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
      journal = Journal.create(path.join(runDir, JOURNAL_FILE), this.journalSeal);
    } catch (error) {
      if (lock instanceof RunLock) lock.release();
      throw error;
    }
    const created: RunCreated = {
      runId,
      procedureId: prepared.procedure.id,
      system: prepared.procedure.system,
      title: prepared.procedure.title,
      environment: prepared.env.kind,
      target: prepared.plan.target,
      inputs: prepared.journalInputs,
      secretVerifiers: Object.fromEntries(
        prepared.secrets.map((secret) => [secret.field, createVerifier(secret.value)]),
      ),
      steps: prepared.view.steps,
      phases: prepared.view.phases,
      ...(prepared.view.outage ? { outage: prepared.view.outage } : {}),
      facts: prepared.view.facts,
      warnings: prepared.view.warnings,
      ...(prepared.view.afterwards ? { afterwards: prepared.view.afterwards } : {}),
      actor,
    };
    let last: { seq: number } = journal.append('run-created', prepared.redactor.redactValue(created));
    if (neverStarted)
      last = journal.append('lock-taken-over', {
        previous: neverStarted,
        actor,
        reason: `run ${neverStarted.runId} never started (its journal is empty)`,
      });
    return this.launch(
      new Run({
        runId,
        prepared,
        journal,
        backups: new RunBackupStore(runDir),
        actor,
        hooks,
        lock,
        journalEntries: last.seq,
      }),
    );
  }

  /** What resuming this run needs (its procedure, the secret fields to re-enter); refuses a run that is over. */
  resumeNeeds(runId: string): { procedureId: string; secretFields: string[] } {
    const record = this.record(runId);
    assertResumable(record);
    return {
      procedureId: record.created.procedureId,
      secretFields: Object.keys(record.created.secretVerifiers),
    };
  }

  /** Verifies the journal, checks the re-entered secrets, rebuilds the same plan and continues where the run stopped. */
  async resume(runId: string, secrets: Record<string, string>, hooks: RunHooks): Promise<RunHandle> {
    const record = this.record(runId);
    assertResumable(record);
    return this.continueRun(record, await this.replan(record, secrets), hooks, 'resume');
  }

  /** What rolling back this stopped run undoes (newest first), or why it cannot. */
  rollbackWay(runId: string): WayOut {
    const record = this.record(runId);
    assertResumable(record);
    return rollbackWay(record.created.steps, record.steps);
  }

  /** What rolling back this run (stopped, or succeeded) needs: its procedure and the secret fields to re-enter. */
  rollbackNeeds(runId: string): { procedureId: string; secretFields: string[] } {
    const record = this.record(runId);
    assertRollbackable(record);
    return {
      procedureId: record.created.procedureId,
      secretFields: Object.keys(record.created.secretVerifiers),
    };
  }

  /** What rolling back this run would undo, each undo checked against the state now (undo after success included); changes nothing. */
  async rollbackPlan(runId: string, secrets: Record<string, string>): Promise<RollbackPlan> {
    const record = this.record(runId);
    assertRollbackable(record);
    const prepared = await this.replan(record, secrets);
    return planRollback(record, prepared, new RunBackupStore(this.runDir(runId)));
  }

  /**
   * Rolls back a stopped run, or undoes a succeeded one: the undos of every started change, newest
   * first, journaled like a rollback after a failure. Refused with the reason when the rollback
   * plan is not available (the state moved on since the run, past the point of no return).
   */
  async rollback(runId: string, secrets: Record<string, string>, hooks: RunHooks): Promise<RunHandle> {
    const record = this.record(runId);
    assertRollbackable(record);
    const prepared = await this.replan(record, secrets);
    if (!record.rollingBack) {
      const plan = await planRollback(record, prepared, new RunBackupStore(this.runDir(runId)));
      if (!plan.available)
        throw new ProcedureRefusal(`Run ${runId} cannot be rolled back: ${plan.reason ?? 'nothing to undo'}`);
    }
    return this.continueRun(record, prepared, hooks, 'rollback');
  }

  /** Checks the re-entered secrets and rebuilds the run's plan: the same steps, the same target. */
  private async replan(record: RunRecord, secrets: Record<string, string>): Promise<PreparedPlan> {
    const { created } = record;
    const runId = created.runId;
    if (this.active.has(runId))
      throw new ProcedureRefusal(
        `Run ${runId} is still going in this window; answer its prompt instead of resuming it.`,
      );
    for (const [field, verifier] of Object.entries(created.secretVerifiers)) {
      const value = secrets[field];
      if (value === undefined)
        throw new InputError(
          field,
          'this run was started with a secret here; re-enter the same value to resume.',
        );
      if (!matchesVerifier(value, verifier))
        throw new InputError(
          field,
          'does not match the secret this run was started with; re-enter the same value.',
        );
    }
    const inputs = withSecrets(
      created.inputs,
      Object.entries(secrets)
        .filter(([field]) => field in created.secretVerifiers)
        .map(([field, value]) => ({ field, value })),
    );
    const prepared = await this.plan(created.procedureId, inputs, created.environment);
    const planned = prepared.view.steps.map((step) => step.id).join(', ');
    const journaled = created.steps.map((step) => step.id).join(', ');
    if (planned !== journaled) {
      throw new ProcedureRefusal(
        `Run ${runId} cannot be resumed: the procedure now plans steps [${planned}] but the run journaled [${journaled}]. Finish by hand or roll back from the report, then start a new run.`,
      );
    }
    const changed = changedSteps(created.steps, prepared.view.steps);
    if (changed.length > 0) {
      throw new ProcedureRefusal(
        `Run ${runId} cannot be resumed: the plan it confirmed differs from the plan the same inputs give now — ${changed.join('; ')}. Check what changed on the system since the run stopped; finish by hand or roll back, then start a new run.`,
      );
    }
    if (prepared.plan.target !== created.target) {
      throw new ProcedureRefusal(
        `Run ${runId} cannot be resumed: its target was ${created.target}, the same inputs now give ${prepared.plan.target}.`,
      );
    }
    return prepared;
  }

  /** Takes the lock, reopens the journal and goes on: forward (`resume`), or back (`rollback`, after success too). */
  private continueRun(
    record: RunRecord,
    prepared: PreparedPlan,
    hooks: RunHooks,
    mode: 'resume' | 'rollback',
  ): RunHandle {
    const { created } = record;
    const runId = created.runId;
    const undoAfterSuccess = record.state === 'succeeded';
    const actor = currentActor();
    let lock = this.lockFor(created.target, runId);
    // This run's own lock, left by a crash: take it back now, before touching the journal, so a
    // second resume racing this one loses here (RunConflict) instead of appending beside it.
    const takenOver = !(lock instanceof RunLock) && lock.holder.runId === runId ? lock.holder : undefined;
    if (takenOver) lock = RunLock.takeOver(lock as RunConflict, runId, actor);
    let journal: Journal;
    let journalEntries: number;
    let current = record;
    try {
      const opened = Journal.open(this.journalPath(runId), this.journalSeal);
      journal = opened.journal;
      // Planning took time: another resume may have run (and finished) the run since the record was read.
      if (
        opened.entries.length !== record.entries.length ||
        opened.entries.at(-1)?.hash !== record.finalHash
      ) {
        current = foldJournal(opened.entries);
        const stillSo = undoAfterSuccess ? current.state === 'succeeded' : isResumable(current.state);
        if (!stillSo) {
          journal.close();
          throw new ProcedureRefusal(
            `Run ${runId} is over (${current.state}): another resume finished it while this one was being prepared. There is nothing to resume.`,
          );
        }
      }
      if (opened.torn) journal.append('torn-line-recovered', opened.torn);
      const appended = journal.append(undoAfterSuccess ? 'undo-after-success' : 'resumed', { actor });
      journalEntries = appended.seq;
      if (undoAfterSuccess) current = foldJournal([...opened.entries, appended as JournalEntry]);
      if (takenOver) journalEntries = journal.append('lock-taken-over', { previous: takenOver, actor }).seq;
    } catch (error) {
      if (lock instanceof RunLock) lock.release();
      throw error;
    }
    const run = new Run({
      runId,
      prepared,
      journal,
      backups: new RunBackupStore(this.runDir(runId)),
      actor,
      hooks,
      lock,
      record: current,
      journalEntries,
      rollback: mode === 'rollback',
    });
    return this.launch(run);
  }

  view(runId: string): RunView {
    const active = this.active.get(runId);
    if (active) return active.view();
    const record = this.record(runId);
    return recordView(this.withLiveState(record), this.journalPath(runId));
  }

  list(): RunSummary[] {
    if (!fs.existsSync(this.runsDir)) return [];
    const summaries: RunSummary[] = [];
    for (const runId of fs.readdirSync(this.runsDir).filter(isRunId).sort().reverse()) {
      const active = this.active.get(runId);
      try {
        const record = this.record(runId);
        const summary = recordSummary(this.withLiveState(record));
        if (!active) {
          summaries.push(summary);
          continue;
        }
        const live = active.view();
        summaries.push({
          ...summary,
          state: live.state,
          needsAttention: live.needsAttention ?? false,
          attention: attentionLines(live.attention),
        });
      } catch (error) {
        if (error instanceof JournalEmpty) {
          summaries.push({
            runId,
            procedureId: 'unknown',
            title:
              'Never started (its journal is empty: the process stopped before its first entry); nothing was changed',
            state: 'never-started',
            startedAt: runId,
            host: 'unknown',
            user: 'unknown',
            secretFields: [],
            needsAttention: false,
            attention: [],
          });
          continue;
        }
        if (!(error instanceof JournalTampered)) throw error;
        summaries.push({
          runId,
          procedureId: 'unknown',
          title: `Journal does not verify: ${error.message}`,
          state: 'failed',
          startedAt: runId,
          host: 'unknown',
          user: 'unknown',
          secretFields: [],
        });
      }
    }
    return summaries;
  }

  report(runId: string, format: ReportFormat): RenderedReport {
    const record = this.withLiveState(this.record(runId));
    return renderReport(
      buildReportData(
        record,
        { path: this.journalPath(runId), signedBy: this.journalSeal.fingerprint },
        new Redactor(),
      ),
      format,
    );
  }

  async close(): Promise<void> {
    for (const run of this.active.values()) run.abort();
    await this.sandbox.close();
  }

  private launch(run: Run): RunHandle {
    this.active.set(run.runId, run);
    const done = run.execute().finally(() => this.active.delete(run.runId));
    return { run, done };
  }

  private lockFor(target: string, runId: string) {
    const attempt = RunLock.tryAcquire(this.locksDir, target, runId, currentActor());
    if (attempt.acquired) return attempt.lock;
    if (!attempt.conflict.stale) throw attempt.conflict;
    return attempt.conflict;
  }

  /** A journal that ends mid-run is `running` while another live process holds its lock, else `interrupted`. */
  private withLiveState(record: RunRecord): RunRecord {
    if (record.state !== 'interrupted') return record;
    const current = currentHolder(this.locksDir, record.created.target, currentActor());
    return current?.live && current.holder.runId === record.created.runId
      ? { ...record, state: 'running' }
      : record;
  }

  private neverStarted(runId: string): boolean {
    if (!isRunId(runId)) return false;
    try {
      return fs.statSync(this.journalPath(runId)).size === 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
  }

  private record(runId: string): RunRecord {
    if (!isRunId(runId) || !fs.existsSync(this.journalPath(runId)))
      throw new NotFound(`No run "${runId}" in ${this.runsDir}. List runs with \`breakglass runs\`.`);
    return foldJournal(readJournal(this.journalPath(runId), this.journalSeal));
  }

  private runDir(runId: string): string {
    return path.join(this.runsDir, runId);
  }

  private journalPath(runId: string): string {
    return path.join(this.runDir(runId), JOURNAL_FILE);
  }
}

/** A run can be rolled back while it is stopped, and undone once it has succeeded. */
function assertRollbackable(record: RunRecord): void {
  if (record.state !== 'succeeded') assertResumable(record);
}

function assertResumable(record: RunRecord): void {
  if (!isResumable(record.state))
    throw new ProcedureRefusal(
      `Run ${record.created.runId} is over (${record.state}); there is nothing to resume. Start a new run if needed.`,
    );
}
