import { formatDuration } from '../../shared/duration.js';
import type { RunView, StepProgress } from '../../shared/procedure.js';

const clock = (at: number) => new Date(at).toLocaleTimeString();

interface Lane {
  key: string;
  label: string;
  steps: StepProgress[];
}

/** The steps' lanes: one for all of them, or, when the plan spans hosts, one for the steps on no host and one per host (in parallel rows). */
export function timelineLanes(run: Pick<RunView, 'steps' | 'hosts'>): Lane[] {
  const timed = run.steps.filter((step) => step.startedAt);
  if (!run.hosts || run.hosts.length === 0) return [{ key: 'steps', label: 'Steps', steps: timed }];
  const lanes: Lane[] = [{ key: 'steps', label: 'Other steps', steps: timed.filter((step) => !step.host) }];
  for (const host of run.hosts)
    lanes.push({ key: host.host, label: host.host, steps: timed.filter((step) => step.host === host.host) });
  return lanes.filter((lane) => lane.steps.length > 0);
}

/**
 * Each step's span (from its start to its end, or to now while it runs) on the run's time axis, one
 * row per lane; hosts that ran in parallel show as overlapping spans on parallel rows.
 */
export function TimelineLanes({
  run,
  start,
  end,
  now,
}: {
  run: RunView;
  start: number;
  end: number;
  now: number;
}) {
  const lanes = timelineLanes(run);
  if (lanes.every((lane) => lane.steps.length === 0)) return null;
  const span = Math.max(1, end - start);
  const at = (time: number) => Math.min(100, Math.max(0, ((time - start) / span) * 100));
  return (
    <div className="timeline-lanes" data-testid="timeline-lanes">
      {lanes.map((lane) => {
        const spans = lane.steps.map((step) => {
          const from = Date.parse(step.startedAt ?? '');
          const to = step.finishedAt ? Date.parse(step.finishedAt) : step.state === 'running' ? now : from;
          return { step, from, to };
        });
        const described = spans
          .map(
            ({ step, from, to }) =>
              `${step.title} ${clock(from)}–${step.finishedAt || step.state !== 'running' ? clock(to) : 'now'} (${formatDuration(to - from)})`,
          )
          .join('; ');
        return (
          <div key={lane.key} className="timeline-lane" data-testid={`timeline-lane-${lane.key}`}>
            <span className="timeline-lane-label">{lane.label}</span>
            <svg
              className="timeline-lane-bar"
              viewBox="0 0 100 10"
              preserveAspectRatio="none"
              role="img"
              aria-label={`${lane.label}: ${described}`}
            >
              <rect className="timeline-track" x="0" y="0" width="100" height="10" />
              {spans.map(({ step, from, to }) => (
                <rect
                  key={step.id}
                  className={`timeline-step ${step.state}`}
                  data-testid={`timeline-span-${step.id}`}
                  x={at(from)}
                  y="1"
                  width={Math.max(0.4, at(to) - at(from))}
                  height="8"
                />
              ))}
            </svg>
          </div>
        );
      })}
    </div>
  );
}
