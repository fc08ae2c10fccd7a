import { formatDuration, formatTimeDown } from '../../shared/duration.js';
import type { RunView } from '../../shared/procedure.js';
import { isFinished } from '../state/run-store.js';
import { useNow } from '../state/use-now.js';
import { TimelineLanes } from './TimelineLanes.js';

const clock = (at: number) => new Date(at).toLocaleTimeString();

/**
 * The run from start to end as a bar, the outage window shaded on it and its length written beside
 * it; under it each step's span, one row per host when the plan spans hosts.
 */
export function RunTimeline({ run }: { run: RunView }) {
  const finished = isFinished(run);
  const now = useNow(!finished);
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const span = Math.max(1, end - start);
  const outage = run.outage?.openedAt ? run.outage : undefined;
  const opened = outage?.openedAt ? Date.parse(outage.openedAt) : undefined;
  const closed = outage?.closedAt ? Date.parse(outage.closedAt) : end;
  const at = (time: number) => Math.min(100, Math.max(0, ((time - start) / span) * 100));
  const down = opened === undefined ? undefined : closed - opened;
  return (
    <figure className="timeline" data-testid="run-timeline">
      <svg
        className="timeline-bar"
        viewBox="0 0 100 10"
        preserveAspectRatio="none"
        role="img"
        aria-label={`From ${clock(start)} to ${finished ? clock(end) : 'now'}${opened === undefined ? '' : `, down from ${clock(opened)} to ${outage?.closedAt ? clock(closed) : 'now'}`}`}
      >
        <rect className="timeline-run" x="0" y="0" width="100" height="10" />
        {opened !== undefined ? (
          <rect
            className="timeline-outage"
            data-testid="timeline-outage"
            x={at(opened)}
            y="0"
            width={Math.max(0.5, at(closed) - at(opened))}
            height="10"
          />
        ) : null}
      </svg>
      <TimelineLanes run={run} start={start} end={end} now={now} />
      <figcaption>
        <span>Started {clock(start)}</span>
        {opened !== undefined && outage ? (
          <span className="timeline-down" data-testid="timeline-down">
            Down {clock(opened)}–{outage.closedAt ? clock(closed) : 'now'}:{' '}
            {formatTimeDown(down, outage.expectedMinutes)}
          </span>
        ) : null}
        <span>
          {finished
            ? `Ended ${clock(end)} (took ${formatDuration(span)})`
            : `Running for ${formatDuration(span)}`}
        </span>
      </figcaption>
    </figure>
  );
}
