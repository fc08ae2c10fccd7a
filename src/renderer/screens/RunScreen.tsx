import { DoneSummary } from '../components/DoneSummary.js';
import { HostsTable } from '../components/HostsTable.js';
import { OutageStatus } from '../components/OutageStatus.js';
import { PhaseList } from '../components/PhaseList.js';
import { PromptPanel } from '../components/PromptPanel.js';
import { RunBanner } from '../components/RunBanner.js';
import { RunOrientation } from '../components/RunOrientation.js';
import { RunStepItem } from '../components/RunStepItem.js';
import { RunTimeline } from '../components/RunTimeline.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { WaysOut } from '../components/WaysOut.js';
import { useShownRun } from '../state/hooks.js';
import { isFinished } from '../state/run-store.js';
import { currentStepIndex } from '../words/run-words.js';

/** The run as it happens: where it is, its phases and outage, the current question, each host's status (and, while hosts run in parallel, their timeline), every step; at the end what changed and the ways out. */
export function RunScreen() {
  const run = useShownRun();
  if (!run) return <p className="loading">Loading the run…</p>;
  const finished = isFinished(run);
  const current = finished ? -1 : currentStepIndex(run);
  return (
    <section data-testid="screen-run">
      <ScreenHeading>{run.title}</ScreenHeading>
      <RunOrientation run={run} />
      <RunBanner run={run} />
      <PhaseList run={run} />
      <OutageStatus run={run} />
      {run.prompt ? <PromptPanel prompt={run.prompt} run={run} /> : null}
      {finished ? <WaysOut run={run} /> : null}
      <HostsTable run={run} />
      {!finished && run.hosts?.length ? <RunTimeline run={run} /> : null}
      <h2>Steps</h2>
      <ol className="run-steps">
        {run.steps.map((step, index) => (
          <RunStepItem
            key={step.id}
            step={step}
            index={index}
            total={run.steps.length}
            current={index === current}
            steps={run.steps}
          />
        ))}
      </ol>
      {finished ? <DoneSummary run={run} /> : null}
    </section>
  );
}
