import { RunSecretsForm } from '../components/RunSecretsForm.js';
import { client } from '../state/client.js';

/** Asks for the run's secrets again and resumes it. */
export function ResumeForm({
  runId,
  procedureId,
  secretPaths,
}: {
  runId: string;
  procedureId: string;
  secretPaths: string[];
}) {
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
}
