import { useState } from 'react';
import { RunSecretsForm } from './RunSecretsForm.js';
import { client } from '../state/client.js';
import { useSession } from '../state/session-store.js';

/**
 * Resume: one click when the run has no secrets to give again; otherwise the first click opens the
 * form for them (labelled as in the form, checked against the journal) and its button resumes.
 */
export function ResumeAction({
  runId,
  procedureId,
  secretPaths,
  label = 'Resume',
}: {
  runId: string;
  procedureId: string;
  secretPaths: string[];
  label?: string;
}) {
  const busy = useSession((state) => state.busy);
  const [asking, setAsking] = useState(false);
  if (asking)
    return (
      <RunSecretsForm
        runId={runId}
        procedureId={procedureId}
        paths={secretPaths}
        purpose="Enter the secrets of this run again; they are checked against the journal before anything continues."
        submitLabel="Resume"
        testIdPrefix="resume"
        onSubmit={(secrets) => client.resume(runId, secrets)}
      />
    );
  return (
    <button
      type="button"
      className="secondary"
      disabled={busy}
      data-testid={`resume-${runId}`}
      onClick={() => (secretPaths.length === 0 ? void client.resume(runId, {}) : setAsking(true))}
    >
      {secretPaths.length === 0 ? label : `${label}…`}
    </button>
  );
}
