import { client } from '../state/client.js';
import { useNavigation } from '../state/navigation.js';
import { useRuns } from '../state/run-store.js';

/** Every run waiting on a decision (an outage may be going on), on every screen but that run's own, with Open. */
export function WaitingBanner() {
  const route = useNavigation((state) => state.route);
  const waiting = useRuns((state) => state.waiting);
  const shownRunId = 'runId' in route && route.screen === 'run' ? route.runId : undefined;
  const others = Object.values(waiting).filter((run) => run.runId !== shownRunId);
  if (others.length === 0) return null;
  return (
    <section className="waiting-banner" aria-label="Runs waiting for you" data-testid="waiting-banner">
      {others.map((run) => (
        <p key={run.runId} className="waiting-run">
          <span>
            <strong>{run.title}</strong> is waiting for your decision (started{' '}
            {new Date(run.startedAt).toLocaleString()}).
          </span>
          <button
            type="button"
            className="primary"
            data-testid={`waiting-open-${run.runId}`}
            onClick={() => void client.openRun(run.runId)}
          >
            Open
          </button>
        </p>
      ))}
    </section>
  );
}
