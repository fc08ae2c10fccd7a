import { useState } from 'react';
import { client } from '../state/client.js';
import { useSession } from '../state/session-store.js';

/** Asks for the run's secrets again (the journal keeps only verifiers) and resumes it. */
export function ResumeForm({ runId, secretPaths }: { runId: string; secretPaths: string[] }) {
  const busy = useSession((state) => state.busy);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  return (
    <form
      className="resume-form"
      autoComplete="off"
      data-testid={`resume-form-${runId}`}
      onSubmit={(event) => {
        event.preventDefault();
        const given = Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== ''));
        void client.resume(runId, given);
      }}
    >
      {secretPaths.length > 0 ? (
        <p className="hint">
          Enter the secrets of this run again; they are checked against the journal before anything continues.
        </p>
      ) : null}
      {secretPaths.map((path) => (
        <div key={path} className="field">
          <label htmlFor={`resume-${runId}-${path}`}>{path}</label>
          <input
            id={`resume-${runId}-${path}`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={secrets[path] ?? ''}
            data-testid={`resume-secret-${path}`}
            onChange={(event) => setSecrets({ ...secrets, [path]: event.target.value })}
          />
        </div>
      ))}
      <button type="submit" className="primary" disabled={busy} data-testid="resume-submit">
        Resume
      </button>
    </form>
  );
}
