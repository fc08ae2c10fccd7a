import type { HostProgress, PlannedStep, StepProgress } from '../../shared/procedure.js';
import type { StepDefinition } from './types.js';

/**
 * Plans that span machines: a step's `host`, grouped per host (a fan-out phase's lanes), and each
 * host's progress as the run view, the report and the CLI show it.
 */

/** The hosts of these steps in plan order, each with its steps in order. */
export function lanesByHost<T extends Pick<StepDefinition, 'host'>>(steps: readonly T[]): Map<string, T[]> {
  const lanes = new Map<string, T[]>();
  for (const step of steps) {
    if (step.host === undefined) continue;
    const lane = lanes.get(step.host) ?? [];
    lane.push(step);
    lanes.set(step.host, lane);
  }
  return lanes;
}

/** Per host, from its steps' states: absent when no step names a host. */
export function hostsProgress(
  planned: readonly PlannedStep[],
  progress: readonly StepProgress[],
): HostProgress[] | undefined {
  const lanes = lanesByHost(planned);
  if (lanes.size === 0) return undefined;
  const stateOf = (id: string) => progress.find((step) => step.id === id);
  return [...lanes].map(([host, steps]) => {
    const states = steps.map((step) => ({ step, progress: stateOf(step.id) }));
    const running = states.find((entry) => entry.progress?.state === 'running');
    const failed = states.find((entry) => entry.progress?.state === 'failed');
    const over = states.filter((entry) => ['done', 'skipped'].includes(entry.progress?.state ?? ''));
    const undone = states.some((entry) => entry.progress?.state === 'undone');
    const base = { host, stepsDone: over.length, stepsTotal: steps.length };
    const about = (entry: (typeof states)[number]) => ({
      stepId: entry.step.id,
      activity: entry.step.activity ?? entry.step.title,
    });
    if (running) return { ...base, state: 'running' as const, ...about(running) };
    if (failed)
      return {
        ...base,
        state: 'failed' as const,
        ...about(failed),
        ...(failed.progress?.message ? { message: failed.progress.message } : {}),
      };
    // Its checks stay done; what it changed was undone.
    if (undone) return { ...base, state: 'undone' as const };
    if (over.length === steps.length) {
      const last = over.at(-1);
      return { ...base, state: 'done' as const, ...(last ? about(last) : {}) };
    }
    // Part done and nothing running: stopped between two of its steps (a crash, a stop), resumable.
    const last = over.at(-1);
    return { ...base, state: 'waiting' as const, ...(last ? about(last) : {}) };
  });
}

/** The hosts a finished run left failed (a fan-out that went on without them), as lines for the CLI, runs and the report. */
export function hostsLeftLines(hosts: readonly HostProgress[] | undefined): string[] {
  return (hosts ?? [])
    .filter((host) => host.state === 'failed')
    .map(
      (host) =>
        `${host.host}: not finished at "${host.activity ?? host.stepId ?? ''}"${host.message ? ` — ${host.message}` : ''}`,
    );
}

/**
 * Runs each lane (at most `concurrency` at once); a lane is one host's steps, run by `runLane`.
 * Resolves when every lane is over; a lane's own failure is its result, never a rejection of the others.
 */
export async function runLanes<T>(
  lanes: readonly T[],
  concurrency: number,
  runLane: (lane: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < lanes.length) {
      const lane = lanes[next] as T;
      next += 1;
      await runLane(lane);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), lanes.length) }, worker));
}
