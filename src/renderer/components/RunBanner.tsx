import type { RunView } from '../../shared/procedure.js';
import { sentence } from '../words/run-words.js';

const MESSAGES: Record<RunView['state'], string> = {
  preflight: 'Checking everything before any change…',
  awaiting: 'Waiting for your decision.',
  running: 'Running…',
  failed: 'A step failed.',
  succeeded: 'Done: every step ran and was verified.',
  'rolled-back': 'Rolled back: the completed changes were undone.',
  cancelled: 'Cancelled.',
  interrupted: 'Interrupted: resume it or roll it back.',
  'never-started': 'Never started: nothing was changed.',
};

/** The run's state as a sentence; a stop that left a state that must not stay says so first. */
export function RunBanner({ run }: { run: RunView }) {
  const message = run.needsAttention
    ? `Needs attention: this run stopped (${MESSAGES[run.state].replace(/[.:].*$/, '').toLowerCase()}) and left something that must not stay.`
    : run.state === 'rolled-back' && run.succeededAt
      ? 'Undone after success: every change of this run was put back.'
      : MESSAGES[run.state];
  return (
    <div
      className={`banner ${run.needsAttention ? 'needs-attention' : run.state}`}
      role="status"
      data-testid="run-state"
      data-state={run.state}
      data-attention={run.needsAttention || undefined}
    >
      <strong>{message}</strong>
      {run.error ? <p>{sentence(run.error, run.steps)}</p> : null}
    </div>
  );
}
