import type { RunView } from '../../shared/procedure.js';

const MESSAGES: Record<RunView['state'], string> = {
  preflight: 'Checking everything before any change…',
  awaiting: 'Waiting for your decision.',
  running: 'Running…',
  failed: 'A step failed.',
  succeeded: 'Done: every step ran and was verified.',
  'rolled-back': 'Rolled back: the completed changes were undone.',
  cancelled: 'Cancelled.',
  interrupted: 'Interrupted: resume it from Runs.',
  'never-started': 'Never started: nothing was changed.',
};

export function RunBanner({ run }: { run: RunView }) {
  return (
    <div className={`banner ${run.state}`} role="status" data-testid="run-state" data-state={run.state}>
      <strong>{MESSAGES[run.state]}</strong>
      {run.error ? <p>{run.error}</p> : null}
    </div>
  );
}
