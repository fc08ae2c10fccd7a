import { useState } from 'react';
import type { RollbackPlan } from '../../shared/procedure.js';
import { RunOrientation } from '../components/RunOrientation.js';
import { RunSecretsForm } from '../components/RunSecretsForm.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { useShownRun } from '../state/hooks.js';
import { useRuns } from '../state/run-store.js';
import { useFocusOn } from '../state/use-focus.js';
import { useSession } from '../state/session-store.js';

const CHECK_WORDS: Record<RollbackPlan['steps'][number]['status'], string> = {
  ok: 'Still as the run left it',
  'moved-on': 'Changed since the run',
  'cannot-check': 'Could not be checked',
  unchecked: 'Not checked',
};

/**
 * Undo (a succeeded run) or roll back (a stopped one): the run's secrets if it needs them, then the
 * engine's plan of what will be undone, each undo checked against the state now (refused with the
 * reason where the state moved on), a confirmation listing the undos, and only then the rollback.
 */
export function UndoScreen() {
  const run = useShownRun();
  const plan = useRuns((state) => (run ? state.rollbackPlans[run.runId] : undefined));
  const summary = useRuns((state) => state.list?.find((item) => item.runId === run?.runId));
  const busy = useSession((state) => state.busy);
  const refused = useSession((state) => state.error);
  const [confirming, setConfirming] = useState(false);
  if (!run) return <p className="loading">Loading the run…</p>;
  const afterSuccess = run.state === 'succeeded';
  const verb = afterSuccess ? 'Undo' : 'Roll back';
  return (
    <section data-testid="screen-undo">
      <ScreenHeading>
        {verb}: {run.title}
      </ScreenHeading>
      <RunOrientation run={run} />
      <p className="lead">
        {afterSuccess
          ? 'This run succeeded. Undoing it puts back what it changed, newest change first.'
          : 'This run stopped part-way. Rolling it back undoes what it changed, newest change first.'}{' '}
        Nothing changes until you confirm.
      </p>
      {!plan ? (
        summary && summary.secretFields.length > 0 ? (
          <RunSecretsForm
            runId={run.runId}
            procedureId={run.procedureId}
            paths={summary.secretFields}
            purpose="Enter the secrets of this run again: the undo needs them, and they are checked against the journal first."
            submitLabel="Check what can be undone"
            testIdPrefix="undo"
            onSubmit={async (secrets) => void (await client.checkUndo(run.runId, secrets))}
          />
        ) : refused && !busy ? (
          <p data-testid="undo-not-checked">Nothing can be undone from here: the message above says why.</p>
        ) : (
          <p className="loading" role="status">
            Checking what can be undone…
          </p>
        )
      ) : (
        <>
          <h2>What will be undone</h2>
          {plan.steps.length > 0 ? (
            <ol className="undo-steps" data-testid="undo-steps">
              {plan.steps.map((step) => (
                <li
                  key={step.id}
                  className={`undo-step ${step.status}`}
                  data-testid={`undo-step-${step.id}`}
                  data-status={step.status}
                >
                  <strong>{step.title}</strong>: {step.does}
                  <span className="undo-check">
                    {CHECK_WORDS[step.status]}
                    {step.reason ? ` — ${step.reason}` : ''}
                  </span>
                </li>
              ))}
            </ol>
          ) : null}
          {!plan.available ? (
            <div className="notice error" role="alert" data-testid="undo-refused">
              <p>
                <strong>This run cannot be {afterSuccess ? 'undone' : 'rolled back'}.</strong>{' '}
                {plan.reason ?? ''}
              </p>
            </div>
          ) : confirming ? (
            <section
              className="prompt confirm-rollback"
              role="alertdialog"
              aria-labelledby="undo-confirm-title"
              data-testid="undo-confirm"
            >
              <ConfirmTitle>
                {verb} {plan.steps.length} change{plan.steps.length === 1 ? '' : 's'}?
              </ConfirmTitle>
              <p>These run now, in this order:</p>
              <ol>
                {plan.steps.map((step) => (
                  <li key={step.id}>
                    {step.title} — {step.does}
                  </li>
                ))}
              </ol>
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  disabled={busy}
                  data-testid="undo-confirm-go"
                  onClick={() => void client.rollback(run.runId)}
                >
                  {verb} now
                </button>
                <button
                  type="button"
                  className="secondary"
                  data-testid="undo-confirm-back"
                  onClick={() => setConfirming(false)}
                >
                  Go back
                </button>
              </div>
            </section>
          ) : null}
        </>
      )}
      <div className="actions">
        <button
          type="button"
          className="secondary"
          data-testid="undo-back-to-run"
          onClick={() => client.go({ screen: 'run', runId: run.runId })}
        >
          Back to the run
        </button>
        {plan?.available && !confirming ? (
          <button
            type="button"
            className="primary"
            data-testid="undo-start"
            onClick={() => setConfirming(true)}
          >
            {verb}…
          </button>
        ) : null}
      </div>
    </section>
  );
}

function ConfirmTitle({ children }: { children: React.ReactNode }) {
  const ref = useFocusOn<HTMLHeadingElement>(undefined);
  return (
    <h3 id="undo-confirm-title" ref={ref} tabIndex={-1}>
      {children}
    </h3>
  );
}
