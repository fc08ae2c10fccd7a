import { useState } from 'react';
import type { JsonSchema } from '../form/json-schema.js';
import { labelAt } from '../form/validate.js';
import { procedureById, useSession } from '../state/session-store.js';

/** The label of a run's secret field from its procedure's schema ("New password"), else its path. */
function secretLabel(procedureId: string, path: string): string {
  const procedure = procedureById(procedureId);
  const schema = procedure?.inputSchema as JsonSchema | undefined;
  return (schema && labelAt(schema, schema, path, {})) ?? path;
}

/**
 * Asks for a run's secrets again (the journal keeps only verifiers), each labelled as in the form;
 * the engine checks them against the journal, and its refusal of one shows beside that field.
 */
export function RunSecretsForm({
  runId,
  procedureId,
  paths,
  purpose,
  submitLabel,
  testIdPrefix,
  onSubmit,
}: {
  runId: string;
  procedureId: string;
  paths: string[];
  purpose: string;
  submitLabel: string;
  testIdPrefix: string;
  onSubmit: (secrets: Record<string, string>) => Promise<void>;
}) {
  const busy = useSession((state) => state.busy);
  const refusal = useSession((state) =>
    state.secretRefusal?.runId === runId ? state.secretRefusal : undefined,
  );
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const fieldError = (path: string) => (refusal?.path === path ? refusal.text : undefined);
  return (
    <form
      className="resume-form"
      autoComplete="off"
      data-testid={`${testIdPrefix}-form-${runId}`}
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit(Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== '')));
      }}
    >
      {paths.length > 0 ? <p className="hint">{purpose}</p> : null}
      {paths.map((path) => {
        const id = `${testIdPrefix}-${runId}-${path}`;
        const problem = fieldError(path);
        return (
          <div key={path} className="field">
            <label htmlFor={id}>{secretLabel(procedureId, path)}</label>
            <input
              id={id}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={secrets[path] ?? ''}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-error` : undefined}
              data-testid={`${testIdPrefix}-secret-${path}`}
              onChange={(event) => setSecrets({ ...secrets, [path]: event.target.value })}
            />
            {problem ? (
              <p className="field-error" id={`${id}-error`} data-testid={`${testIdPrefix}-error-${path}`}>
                {problem}
              </p>
            ) : null}
          </div>
        );
      })}
      <button type="submit" className="primary" disabled={busy} data-testid={`${testIdPrefix}-submit`}>
        {submitLabel}
      </button>
    </form>
  );
}
