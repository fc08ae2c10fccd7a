import type { RunView } from '../../shared/procedure.js';
import { isFinished } from '../state/run-store.js';
import { useNow } from '../state/use-now.js';
import { formatDuration } from '../../shared/duration.js';
import { currentStepIndex, runStateClass, runStateWord } from '../words/run-words.js';
import { EnvironmentBadge } from './Header.js';

/** Where the run is: practice or real, its state in words, step N of M, the time it has taken, its id. */
export function RunOrientation({ run }: { run: RunView }) {
  const finished = isFinished(run);
  const now = useNow(!finished);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const elapsed = formatDuration(end - Date.parse(run.startedAt));
  const current = currentStepIndex(run);
  const done = run.steps.filter((step) => step.state === 'done' || step.state === 'skipped').length;
  return (
    <div className="run-orientation" data-testid="run-orientation">
      <EnvironmentBadge environment={run.environment} />
      <span className={`badge ${runStateClass(run)}`} data-testid="run-state-word">
        {runStateWord(run)}
      </span>
      {!finished && current >= 0 ? (
        <span data-testid="run-position">
          Step {current + 1} of {run.steps.length}
        </span>
      ) : (
        <span data-testid="run-position">
          {done} of {run.steps.length} steps done
        </span>
      )}
      <span data-testid="run-elapsed">
        {finished ? 'Took' : 'Elapsed'} {elapsed}
      </span>
      <span className="run-id">
        Run <code data-testid="run-id">{run.runId}</code>
      </span>
      <progress
        className="run-progress"
        max={run.steps.length}
        value={done}
        aria-label={`${done} of ${run.steps.length} steps done`}
      />
    </div>
  );
}
