import type { RollbackPlan } from '../../shared/procedure.js';
import { rollbackWay } from './attention.js';
import { hostsProgress } from './hosts.js';
import type { PreparedPlan } from './planning.js';
import { redactedError } from './redacted-error.js';
import type { RunRecord } from './run-record.js';
import { StepFailure, type BackupStore, type StepContext } from './types.js';

/**
 * What rolling back a run (stopped, or succeeded: undo after success) would undo, newest first,
 * each undo checked by its step's `checkUndo` against the state now. Refused (`available: false`)
 * where the state moved on since the run, where a check could not look, past the point of no
 * return, or when nothing can be undone. Reads only.
 */
export async function planRollback(
  record: RunRecord,
  prepared: PreparedPlan,
  backup: BackupStore,
): Promise<RollbackPlan> {
  const base = { runId: record.created.runId, state: record.state };
  const way = rollbackWay(record.created.steps, record.steps);
  if (!way.available) return { ...base, available: false, reason: way.reason, steps: [] };
  const hosts = hostsProgress(record.created.steps, record.steps) ?? [];
  const contextOf = (host: string | undefined): StepContext => ({
    ...(host === undefined ? {} : { host }),
    hosts: () => hosts,
    env: prepared.env,
    backup,
    log: () => undefined,
    addSecret: (value) => prepared.redactor.add(value),
    showOnce: () => Promise.reject(new Error('Nothing is shown while checking a rollback')),
  });
  const steps: RollbackPlan['steps'] = [];
  for (const undo of way.steps) {
    const step = prepared.steps.find((candidate) => candidate.id === undo.id);
    const progress = record.steps.find((candidate) => candidate.id === undo.id);
    if (!step?.checkUndo) {
      steps.push({ ...undo, status: 'unchecked', reason: 'This step has no check of the state it left.' });
      continue;
    }
    if (progress?.state !== 'done') {
      steps.push({
        ...undo,
        status: 'unchecked',
        reason: `The step did not finish (${progress?.state ?? 'unknown'}), so there is no end state to compare; its undo puts back what it saved.`,
      });
      continue;
    }
    try {
      await step.checkUndo(contextOf(step.host));
      steps.push({ ...undo, status: 'ok' });
    } catch (error) {
      const message = redactedError(error, prepared.redactor).message;
      steps.push(
        error instanceof StepFailure
          ? { ...undo, status: 'moved-on', reason: message }
          : { ...undo, status: 'cannot-check', reason: `The state could not be checked: ${message}` },
      );
    }
  }
  const refused = steps.filter((step) => step.status === 'moved-on' || step.status === 'cannot-check');
  return {
    ...base,
    available: refused.length === 0,
    ...(refused.length > 0
      ? {
          reason: `The state has moved on since the run (or could not be checked), so undoing it would overwrite newer changes: ${refused.map((step) => `"${step.title}": ${step.reason ?? ''}`).join(' ')}`,
        }
      : {}),
    steps,
  };
}
