import type { RunSummary, RunView } from '../../shared/procedure.js';
import { EnvironmentBadge } from '../components/Header.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { canRollBack, useRuns } from '../state/run-store.js';
import { runStateClass, runStateWord } from '../words/run-words.js';
import { ResumeAction } from '../components/ResumeAction.js';

/** Still going in this app (the engine refuses to resume them): Open shows them again, prompt included. */
const ACTIVE = new Set(['awaiting', 'running', 'preflight']);
/**
 * Stopped part-way: Resume continues them (re-entering the secrets) — a cancelled run too, since it
 * may have stopped between a change and the step that undoes its effect. A failed run may still be
 * waiting on its failure prompt, so it gets both Open and Resume (the engine refuses to resume a run still live here).
 */
const RESUMABLE = new Set(['interrupted', 'failed', 'cancelled']);
const OPENABLE = new Set([...ACTIVE, 'failed']);
const FINISHED = new Set(['succeeded', 'rolled-back', 'cancelled', 'interrupted', 'never-started', 'failed']);

/**
 * Every run in the data folder, newest first: where it ran, its id, its state in words (needs
 * attention apart, with what), and what can be done with it: open, resume, undo or roll back, report.
 */
export function RunsScreen() {
  const runs = useRuns((state) => state.list);
  const views = useRuns((state) => state.views);
  if (!runs) return <p className="loading">Loading runs…</p>;
  return (
    <section data-testid="screen-runs">
      <ScreenHeading>Runs</ScreenHeading>
      {runs.length === 0 ? <p data-testid="no-runs">No runs yet.</p> : null}
      <div className="table-scroll">
        <table className="runs">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Procedure</th>
              <th scope="col">Where</th>
              <th scope="col">State</th>
              <th scope="col">Needs attention</th>
              <th scope="col">Run id</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {[...runs]
              .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
              .map((run) => (
                <RunRow key={run.runId} run={run} view={views[run.runId]} />
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RunRow({ run, view }: { run: RunSummary; view?: RunView }) {
  // The list is fetched on arrival, so its state is the newest (a run may have moved on in another
  // process); the view adds where it ran and whether it changed anything.
  const waiting = run.state === 'awaiting';
  const rollBack = canRollBack(run, view?.state === run.state ? view : undefined);
  return (
    <tr
      data-testid={`runs-row-${run.runId}`}
      data-state={run.state}
      data-attention={run.needsAttention || undefined}
    >
      <td>
        {new Date(run.startedAt).toLocaleString()}
        <span className="runs-by">
          by {run.user}@{run.host}
        </span>
      </td>
      <td>{run.title}</td>
      <td>{view ? <EnvironmentBadge environment={view.environment} /> : '…'}</td>
      <td>
        <span className={`badge ${runStateClass(run)}`} data-testid={`runs-state-${run.runId}`}>
          {runStateWord(run)}
        </span>
      </td>
      <td data-testid={`runs-attention-${run.runId}`}>
        {run.needsAttention ? (
          <ul className="attention-lines">
            {(run.attention ?? view?.attention?.pending.map((item) => item.leaves) ?? []).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : waiting ? (
          'Waiting for your decision'
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <code className="run-id-code">{run.runId}</code>
      </td>
      <td>
        <div className="row-actions">
          {OPENABLE.has(run.state) || waiting ? (
            <button
              type="button"
              className="secondary"
              data-testid={`open-${run.runId}`}
              onClick={() => void client.openRun(run.runId)}
            >
              Open
            </button>
          ) : null}
          {rollBack ? (
            <button
              type="button"
              className={run.needsAttention ? 'primary' : 'secondary'}
              data-testid={`undo-${run.runId}`}
              onClick={() => client.openUndo(run.runId)}
            >
              {run.state === 'succeeded' ? 'Undo…' : 'Roll back…'}
            </button>
          ) : null}
          {RESUMABLE.has(run.state) && !waiting ? (
            <ResumeAction runId={run.runId} procedureId={run.procedureId} secretPaths={run.secretFields} />
          ) : null}
          {FINISHED.has(run.state) && !waiting ? (
            <button
              type="button"
              className="secondary"
              data-testid={`report-${run.runId}`}
              onClick={() => client.openReport(run.runId)}
            >
              Report
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}
