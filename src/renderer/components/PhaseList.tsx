import type { RunView, StepState } from '../../shared/procedure.js';

const PHASE_WORDS: Record<StepState, string> = {
  pending: 'Not started',
  running: 'In progress',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  undone: 'Undone',
};

/** The run's phases in order, each with its state; the one in progress is marked as current. Hidden when there is only one. */
export function PhaseList({ run }: { run: RunView }) {
  const phases = run.phases ?? [];
  if (phases.length < 2) return null;
  return (
    <ol className="phase-list" aria-label="Phases" data-testid="phase-list">
      {phases.map((phase) => (
        <li
          key={phase.id}
          className={`phase ${phase.state}`}
          aria-current={phase.state === 'running' ? 'step' : undefined}
          data-testid={`phase-${phase.id}`}
          data-state={phase.state}
        >
          <span className="phase-title">{phase.title}</span>
          <span className="phase-state">{PHASE_WORDS[phase.state]}</span>
          {phase.summary ? <span className="phase-summary">{phase.summary}</span> : null}
        </li>
      ))}
    </ol>
  );
}
