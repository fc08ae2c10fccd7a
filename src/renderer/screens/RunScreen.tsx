import { PromptPanel } from '../components/PromptPanel.js';
import { RunBanner } from '../components/RunBanner.js';
import { RunStepItem } from '../components/RunStepItem.js';
import { isFinished, useWizard } from '../state/wizard-store.js';

/** The run as it happens: live step states and logs, the current question, the final state. */
export function RunScreen() {
  const run = useWizard((state) => state.run);
  const showReport = useWizard((state) => state.showReport);
  if (!run) return null;
  return (
    <section data-testid="screen-run">
      <h1>{run.title}</h1>
      <RunBanner run={run} />
      {run.prompt ? <PromptPanel prompt={run.prompt} /> : null}
      <ol className="run-steps">
        {run.steps.map((step) => (
          <RunStepItem key={step.id} step={step} />
        ))}
      </ol>
      {isFinished(run) ? (
        <div className="actions">
          <button type="button" className="primary" data-testid="view-report" onClick={showReport}>
            View the report
          </button>
        </div>
      ) : null}
    </section>
  );
}
