import type { Attention, PlannedStep, RunState, StepProgress, WayOut } from '../../shared/procedure.js';
import { hostsLeftLines, hostsProgress } from './hosts.js';

/**
 * What a stopped run leaves behind: the must-run compensations still pending (a step that left a
 * state that must not stay, whose restoring step has not run and which was not undone), and the
 * two ways out — rollback (the undos, newest first) and resume (what remains) — with what each does.
 */
const APPLIED = new Set<StepProgress['state']>(['running', 'done', 'failed']);
const OVER = new Set<StepProgress['state']>(['done', 'skipped']);

export function pendingCompensations(
  planned: readonly PlannedStep[],
  progress: readonly StepProgress[],
): Attention['pending'] {
  const state = (id: string) => progress.find((step) => step.id === id)?.state ?? 'pending';
  return planned.flatMap((step) => {
    const compensation = step.compensation;
    if (!compensation || !APPLIED.has(state(step.id))) return [];
    const restorer =
      compensation.restoredBy === undefined
        ? undefined
        : planned.find((candidate) => candidate.id === compensation.restoredBy);
    if (restorer && OVER.has(state(restorer.id))) return [];
    return [
      {
        stepId: step.id,
        stepTitle: step.title,
        leaves: compensation.leaves,
        ...(restorer ? { restoredBy: { id: restorer.id, title: restorer.title } } : {}),
      },
    ];
  });
}

export function rollbackWay(planned: readonly PlannedStep[], progress: readonly StepProgress[]): WayOut {
  const state = (id: string) => progress.find((step) => step.id === id)?.state ?? 'pending';
  const pastPoint = planned.find((step) => step.pointOfNoReturn && OVER.has(state(step.id)));
  const steps = [...planned]
    .reverse()
    .filter((step) => step.kind !== 'check' && step.undoable && APPLIED.has(state(step.id)))
    .map((step) => ({
      id: step.id,
      title: step.title,
      does: step.description.undo ?? `Undoes "${step.title}".`,
    }));
  if (pastPoint)
    return {
      available: false,
      reason: `Past the point of no return: "${pastPoint.title}" has run, so only the way forward remains.`,
      steps: [],
    };
  if (steps.length === 0)
    return { available: false, reason: 'Nothing this run changed can be undone.', steps };
  return { available: true, steps };
}

export function resumeWay(
  planned: readonly PlannedStep[],
  progress: readonly StepProgress[],
  rollingBack: boolean,
): WayOut {
  if (rollingBack) {
    const back = rollbackWay(planned, progress);
    return {
      available: back.steps.length > 0,
      reason: back.steps.length > 0 ? undefined : 'Nothing is left to undo.',
      steps: back.steps,
    };
  }
  const state = (id: string) => progress.find((step) => step.id === id)?.state ?? 'pending';
  const steps = planned
    .filter((step) => !OVER.has(state(step.id)))
    .map((step) => ({ id: step.id, title: step.title, does: step.description.summary }));
  return steps.length > 0
    ? { available: true, steps }
    : { available: false, reason: 'Every step has run.', steps };
}

/** The attention fields of a run view: present once the run has stopped short of its end. */
export function attentionOf(
  planned: readonly PlannedStep[],
  progress: readonly StepProgress[],
  run: { state: RunState; stopped: boolean; rollingBack: boolean },
): { needsAttention: boolean; attention?: Attention } {
  if (!run.stopped || run.state === 'rolled-back') return { needsAttention: false };
  const hostsLeft = hostsLeftLines(hostsProgress(planned, progress));
  if (run.state === 'succeeded') {
    if (hostsLeft.length === 0) return { needsAttention: false };
    return {
      needsAttention: true,
      attention: {
        pending: pendingCompensations(planned, progress),
        rollback: rollbackWay(planned, progress),
        resume: {
          available: false,
          reason: 'The run went on without these hosts: finish each one the way its line says.',
          steps: [],
        },
        hostsLeft,
      },
    };
  }
  const pending = pendingCompensations(planned, progress);
  return {
    needsAttention: pending.length > 0 || hostsLeft.length > 0,
    attention: {
      pending,
      rollback: rollbackWay(planned, progress),
      resume: resumeWay(planned, progress, run.rollingBack),
      ...(hostsLeft.length > 0 ? { hostsLeft } : {}),
    },
  };
}

/** One line per pending compensation, as the CLI, the run list and the report say it. */
export function pendingLines(pending: Attention['pending']): string[] {
  return pending.map(
    (item) =>
      `${item.leaves} (since "${item.stepTitle}"; ${item.restoredBy ? `"${item.restoredBy.title}" brings it back` : 'its undo brings it back'})`,
  );
}

/** Everything a run left to bring back or finish, one line each: pending compensations, then hosts left. */
export function attentionLines(attention: Attention | undefined): string[] {
  return attention ? [...pendingLines(attention.pending), ...(attention.hostsLeft ?? [])] : [];
}
