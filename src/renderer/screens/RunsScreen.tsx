import { useState } from 'react';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { useRuns } from '../state/run-store.js';
import { ResumeForm } from './ResumeForm.js';

/** Still going in this app (the engine refuses to resume them): Open shows them again, prompt included. */
const ACTIVE = new Set(['awaiting', 'running', 'preflight']);
/**
 * Stopped part-way: Resume continues them (re-entering the secrets) — a cancelled run too, since it
 * may have stopped between a change and the step that undoes its effect. A failed run may still be
 * waiting on its failure prompt, so it gets both Open and Resume (the engine refuses to resume a run still live here).
 */
const RESUMABLE = new Set(['interrupted', 'failed', 'cancelled']);
const OPENABLE = new Set([...ACTIVE, 'failed']);

/** Every run in the data folder, newest first: Open for the ones still going, Resume for the ones that stopped part-way. */
export function RunsScreen() {
  const runs = useRuns((state) => state.list);
  const [resuming, setResuming] = useState<string>();
  if (!runs) return <p className="loading">Loading runs…</p>;
  return (
    <section data-testid="screen-runs">
      <ScreenHeading>Runs</ScreenHeading>
      {runs.length === 0 ? <p data-testid="no-runs">No runs yet.</p> : null}
      <table className="runs">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Procedure</th>
            <th scope="col">State</th>
            <th scope="col">By</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {[...runs]
            .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
            .map((run) => {
              return (
                <tr key={run.runId} data-testid={`runs-row-${run.runId}`}>
                  <td>{new Date(run.startedAt).toLocaleString()}</td>
                  <td>{run.title}</td>
                  <td>
                    <span className={`badge state-${run.state}`}>{run.state}</span>
                  </td>
                  <td>
                    {run.user}@{run.host}
                  </td>
                  <td>
                    <div className="row-actions">
                      {OPENABLE.has(run.state) ? (
                        <button
                          type="button"
                          className="secondary"
                          data-testid={`open-${run.runId}`}
                          onClick={() => void client.openRun(run.runId)}
                        >
                          Open
                        </button>
                      ) : null}
                      {RESUMABLE.has(run.state) ? (
                        resuming === run.runId ? (
                          <ResumeForm runId={run.runId} secretPaths={run.secretFields} />
                        ) : (
                          <button
                            type="button"
                            className="secondary"
                            data-testid={`resume-${run.runId}`}
                            onClick={() => setResuming(run.runId)}
                          >
                            Resume
                          </button>
                        )
                      ) : null}
                    </div>
                  </td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </section>
  );
}
