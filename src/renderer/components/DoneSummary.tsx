import type { RunView } from '../../shared/procedure.js';
import { client } from '../state/client.js';
import { canRollBack, useRuns } from '../state/run-store.js';
import { RunTimeline } from './RunTimeline.js';

const NEXT: Partial<Record<RunView['state'], string>> = {
  succeeded:
    'Sign in with the recovered account to see it work, and keep the report with your change record.',
  'rolled-back': 'The system is back as it was before the run. Keep the report with your change record.',
  cancelled: 'Nothing more will run. Keep the report; resume or roll back from here or from Runs.',
  interrupted: 'Resume it, or roll it back, from here or from Runs.',
  failed: 'Read the failed step above; resume or roll back from here or from Runs.',
  'never-started': 'Nothing was changed; start a new recovery when you are ready.',
};

/** The end of a run: what changed (and what was undone), what to do next, and the report and undo actions. */
export function DoneSummary({ run, onReport = true }: { run: RunView; onReport?: boolean }) {
  const summary = useRuns((state) => state.list?.find((item) => item.runId === run.runId));
  const changed = run.steps.filter(
    (step) => (step.kind === 'change' || step.kind === 'manual') && step.state === 'done',
  );
  const undone = run.steps.filter((step) => step.state === 'undone');
  const offerUndo = canRollBack(summary ?? run, run) && !run.attention;
  return (
    <section className="done-summary" aria-labelledby="done-title" data-testid="done-summary">
      <h2 id="done-title">Summary</h2>
      <RunTimeline run={run} />
      {changed.length > 0 ? (
        <>
          <p>What changed:</p>
          <ul data-testid="done-changed">
            {changed.map((step) => (
              <li key={step.id}>{step.title}</li>
            ))}
          </ul>
        </>
      ) : null}
      {undone.length > 0 ? (
        <>
          <p>Undone:</p>
          <ul data-testid="done-undone">
            {undone.map((step) => (
              <li key={step.id}>{step.title}</li>
            ))}
          </ul>
        </>
      ) : null}
      {changed.length === 0 && undone.length === 0 ? <p>Nothing was changed.</p> : null}
      {run.state === 'succeeded' && run.afterwards?.length ? (
        <div data-testid="done-next">
          <p>
            <strong>Next:</strong>
          </p>
          <ul>
            {run.afterwards.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      ) : NEXT[run.state] ? (
        <p data-testid="done-next">
          <strong>Next: </strong>
          {NEXT[run.state]}
        </p>
      ) : null}
      <div className="actions">
        {onReport ? (
          <button type="button" className="primary" data-testid="view-report" onClick={client.showReport}>
            View the report
          </button>
        ) : null}
        {offerUndo ? (
          <button
            type="button"
            className="secondary"
            data-testid="undo-run"
            onClick={() => client.openUndo(run.runId)}
          >
            {run.state === 'succeeded' ? 'Undo this run…' : 'Roll back…'}
          </button>
        ) : null}
      </div>
    </section>
  );
}
