/** Runs: the newest view of every run heard of (by id), the runs list, and which runs wait on a decision. */
import { create } from 'zustand';
import type { RollbackPlan, RunSummary, RunView } from '../../shared/procedure.js';

export interface RunState {
  /** The newest view of every run seen in this session: events can arrive before the reply that names the run. */
  views: Record<string, RunView>;
  /** The runs in the data folder (`runs.list`), as last fetched. */
  list?: RunSummary[];
  /** Runs waiting on the admin's decision (a prompt), by id: the banner offers to open them from any screen. */
  waiting: Record<string, { runId: string; title: string; startedAt: string }>;
  /** What undoing a run would do (`run.rollbackPlan`), checked when the admin asked, by run id. */
  rollbackPlans: Record<string, RollbackPlan>;
}

export const useRuns = create<RunState>()(() => ({ views: {}, waiting: {}, rollbackPlans: {} }));

/** Records a view and returns the newest one known for its run (an older view never replaces a newer one). */
export function rememberRun(view: RunView): RunView {
  const { views, waiting } = useRuns.getState();
  const newest = newerRunView(views[view.runId], view);
  if (newest !== view) return newest;
  const { [view.runId]: _was, ...others } = waiting;
  useRuns.setState({
    views: { ...views, [view.runId]: view },
    waiting: view.prompt
      ? { ...others, [view.runId]: { runId: view.runId, title: view.title, startedAt: view.startedAt } }
      : others,
  });
  return view;
}

/** The runs list, and from it the runs left waiting (a reload, another window) that this session has no view of yet. */
export function rememberList(list: RunSummary[]): void {
  const { views, waiting } = useRuns.getState();
  const next = { ...waiting };
  for (const run of list) {
    const known = views[run.runId];
    if (known) continue;
    if (run.state === 'awaiting')
      next[run.runId] = { runId: run.runId, title: run.title, startedAt: run.startedAt };
    else delete next[run.runId];
  }
  useRuns.setState({ list, waiting: next });
}

/** The newer of two views of the same run: the higher `revision`; on a tie the later one (it cannot be older). */
export function newerRunView(current: RunView | undefined, incoming: RunView): RunView {
  return current && current.runId === incoming.runId && current.revision > incoming.revision
    ? current
    : incoming;
}

/** A run in one of these states will not change any more. */
export function isFinished(run: RunView): boolean {
  return (
    ['succeeded', 'rolled-back', 'cancelled', 'interrupted', 'never-started'].includes(run.state) ||
    (run.state === 'failed' && !run.prompt)
  );
}

/** True when the run changed something (a change or manual step started): only then is there anything to roll back. */
export function changedSomething(run: Pick<RunView, 'steps'>): boolean {
  return run.steps.some(
    (step) => step.kind !== 'check' && step.state !== 'pending' && step.state !== 'skipped',
  );
}

/**
 * A run the wizard offers to undo (it succeeded) or roll back (it stopped part-way having changed
 * something); the engine's rollback plan then says whether each undo is still possible.
 */
export function canRollBack(run: Pick<RunSummary, 'state' | 'needsAttention'>, view?: RunView): boolean {
  if (view?.prompt) return false;
  if (run.state === 'succeeded' || run.needsAttention) return true;
  if (!['cancelled', 'interrupted', 'failed'].includes(run.state)) return false;
  return view ? changedSomething(view) : true;
}
