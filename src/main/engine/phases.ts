import type {
  OutageProgress,
  OutageWindow,
  PlannedStep,
  PlanPhase,
  RunView,
  StepProgress,
  StepState,
} from '../../shared/procedure.js';

/**
 * Phases and the outage window as a run sees them: each phase's state from its steps', and the
 * window's opening and closing times (journaled as `outage-opened` / `outage-closed`).
 */

/** The phase of a plan that declares none: every step in one. */
export const DEFAULT_PHASE = { id: 'steps', title: 'Steps' } as const;

/** The phases of a plan; a journal written before phases existed has its steps as one default phase. */
export function planPhases(phases: PlanPhase[] | undefined, steps: readonly PlannedStep[]): PlanPhase[] {
  return phases ?? [{ ...DEFAULT_PHASE, stepIds: steps.map((step) => step.id) }];
}

/** A phase's state, taken from its steps: pending until one starts, done when every one is over. */
export function phaseState(states: readonly StepState[]): StepState {
  if (states.length === 0 || states.every((state) => state === 'pending')) return 'pending';
  if (states.some((state) => state === 'running')) return 'running';
  if (states.some((state) => state === 'failed')) return 'failed';
  if (states.every((state) => state === 'skipped')) return 'skipped';
  if (states.every((state) => state === 'done' || state === 'skipped')) return 'done';
  if (states.some((state) => state === 'undone') && !states.some((state) => state === 'done'))
    return 'undone';
  return 'running';
}

export function runPhases(
  phases: readonly PlanPhase[],
  progress: readonly StepProgress[],
): NonNullable<RunView['phases']> {
  const state = (id: string): StepState => progress.find((step) => step.id === id)?.state ?? 'pending';
  return phases.map((phase) => ({ ...phase, state: phaseState(phase.stepIds.map(state)) }));
}

export interface OutageTimes {
  openedAt?: string;
  closedAt?: string;
}

export function outageProgress(window: OutageWindow, times: OutageTimes, now = new Date()): OutageProgress {
  if (!times.openedAt) return { ...window, state: 'pending' };
  const end = times.closedAt ? Date.parse(times.closedAt) : now.getTime();
  return {
    ...window,
    state: times.closedAt ? 'closed' : 'open',
    openedAt: times.openedAt,
    ...(times.closedAt ? { closedAt: times.closedAt } : {}),
    downMs: Math.max(0, end - Date.parse(times.openedAt)),
  };
}
