import { PromptPanel } from '../components/PromptPanel.js';
import { RunBanner } from '../components/RunBanner.js';
import { RunStepItem } from '../components/RunStepItem.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { useShownRun } from '../state/hooks.js';
import { isFinished } from '../state/run-store.js';

/** The run as it happens: live step states and logs, the current question, the final state. */
export function RunScreen() {
  const run = useShownRun();
  if (!run) return <p className="loading">Loading the run…</p>;
  return (
    <section data-testid="screen-run">
      <ScreenHeading>{run.title}</ScreenHeading>
      <RunBanner run={run} />
      {run.prompt ? <PromptPanel prompt={run.prompt} /> : null}
      <ol className="run-steps">
        {run.steps.map((step) => (
          <RunStepItem key={step.id} step={step} />
        ))}
      </ol>
      {isFinished(run) ? (
        <div className="actions">
          <button type="button" className="primary" data-testid="view-report" onClick={client.showReport}>
            View the report
          </button>
        </div>
      ) : null}
    </section>
  );
}
