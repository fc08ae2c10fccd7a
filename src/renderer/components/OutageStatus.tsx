import type { RunView } from '../../shared/procedure.js';
import { useNow } from '../state/use-now.js';
import { formatDuration } from '../../shared/duration.js';

/** The run's outage window: what goes down, whether it is down now, and the time down so far (or in all). */
export function OutageStatus({ run }: { run: RunView }) {
  const outage = run.outage;
  const open = outage?.state === 'open';
  const now = useNow(open);
  if (!outage) return null;
  const down = open && outage.openedAt ? now - Date.parse(outage.openedAt) : (outage.downMs ?? 0);
  const titles = outage.stepIds.map((id) => run.steps.find((step) => step.id === id)?.title ?? id);
  const expected = `about ${outage.expectedMinutes} min expected`;
  return (
    <section
      className={`outage-status ${outage.state}`}
      aria-label="Outage window"
      data-testid="outage-status"
      data-state={outage.state}
    >
      <p>
        <strong>
          {outage.state === 'pending' ? 'Outage ahead: ' : open ? 'Down now: ' : 'Outage over: '}
        </strong>
        {outage.impact}.
      </p>
      <p data-testid="outage-time">
        {outage.state === 'pending'
          ? `It opens with "${titles[0]}" and closes after "${titles.at(-1)}" (${expected}).`
          : open
            ? `Down for ${formatDuration(down)} so far (${expected}); it closes after "${titles.at(-1)}".`
            : `Down for ${formatDuration(down)} in all (${expected}).`}
      </p>
    </section>
  );
}
