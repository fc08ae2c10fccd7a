import { useSession } from '../state/session-store.js';
import { useNow } from '../state/use-now.js';

/** What a slow call is doing, in words (discovery has its own progress beside its buttons). */
const DOING: Record<string, string> = {
  'plan.create': 'Making the plan: its checks read the system, nothing changes',
  'run.start': 'Starting the run',
  'run.resume': 'Checking the secrets and resuming',
  'run.rollbackPlan': 'Checking what can be undone against the system now',
  'run.rollback': 'Starting the rollback',
  'run.get': 'Loading the run',
  'runs.list': 'Loading the runs',
  'report.export': 'Preparing the report',
};
const AFTER_MS = 1000;

/** Progress for any call that takes over a second: what it is doing and for how long so far. */
export function WorkingIndicator() {
  const working = useSession((state) => state.working);
  const now = useNow(working !== undefined, 250);
  const shown = working && working.channel !== 'discover.run' && now - working.since >= AFTER_MS;
  return (
    <div className="working-indicator" role="status" data-testid="working">
      {shown ? (
        <>
          <progress aria-label="Working" />
          <span>
            {DOING[working.channel] ?? 'Working'}… {Math.floor((now - working.since) / 1000)} s
          </span>
        </>
      ) : null}
    </div>
  );
}
