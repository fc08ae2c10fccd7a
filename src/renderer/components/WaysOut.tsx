import { useEffect } from 'react';
import type { RunView, WayOut } from '../../shared/procedure.js';
import { ResumeAction } from './ResumeAction.js';
import { client } from '../state/client.js';
import { useRuns } from '../state/run-store.js';

/**
 * A stopped run's ways out, as the engine worked them out: what it left that must not stay (then
 * the run needs attention; hosts a fan-out went on without), the way back (roll back: its undos, newest first) and the way forward
 * (resume: the steps that remain), each with what it does, or why it is not possible.
 */
export function WaysOut({ run }: { run: RunView }) {
  const attention = run.attention;
  const summary = useRuns((state) => state.list?.find((item) => item.runId === run.runId));
  useEffect(() => {
    if (attention && !summary) void client.refreshRuns();
  }, [attention, summary]);
  if (!attention) return null;
  return (
    <section
      className={`ways-out ${run.needsAttention ? 'needs-attention' : ''}`}
      aria-labelledby="ways-out-title"
      data-testid="ways-out"
    >
      <h2 id="ways-out-title">{run.needsAttention ? 'Needs attention' : 'What you can do now'}</h2>
      {attention.pending.length > 0 ? (
        <>
          <p>This run stopped and left a state that must not stay:</p>
          <ul data-testid="attention-pending">
            {attention.pending.map((item) => (
              <li key={item.stepId}>
                <strong>{item.leaves}</strong> — since “{item.stepTitle}”;{' '}
                {item.restoredBy
                  ? `“${item.restoredBy.title}” brings it back going forward, or roll back.`
                  : 'rolling back brings it back.'}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {attention.hostsLeft && attention.hostsLeft.length > 0 ? (
        <>
          <p>The run went on without these servers; finish each one as its line says:</p>
          <ul data-testid="attention-hosts-left">
            {attention.hostsLeft.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="ways">
        <Way
          title="Back: roll back"
          way={attention.rollback}
          testId="way-rollback"
          action={
            <button
              type="button"
              className={run.needsAttention ? 'primary' : 'secondary'}
              data-testid="way-rollback-open"
              onClick={() => client.openUndo(run.runId)}
            >
              Roll back…
            </button>
          }
        />
        <Way
          title="Forward: resume"
          way={attention.resume}
          testId="way-resume"
          action={
            summary ? (
              <ResumeAction
                runId={run.runId}
                procedureId={run.procedureId}
                secretPaths={summary.secretFields}
                label="Resume"
              />
            ) : null
          }
        />
      </div>
    </section>
  );
}

function Way({
  title,
  way,
  testId,
  action,
}: {
  title: string;
  way: WayOut;
  testId: string;
  action: React.ReactNode;
}) {
  return (
    <div className="way" data-testid={testId} data-available={way.available}>
      <h3>{title}</h3>
      {way.available ? (
        <ol>
          {way.steps.map((step) => (
            <li key={step.id}>
              <strong>{step.title}</strong>: {step.does}
            </li>
          ))}
        </ol>
      ) : (
        <p>Not possible: {way.reason}</p>
      )}
      {way.available ? action : null}
    </div>
  );
}
