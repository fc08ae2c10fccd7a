import type { EnvironmentKind } from '../../shared/procedure.js';
import { client } from '../state/client.js';
import { useForm } from '../state/form-store.js';
import { useShownRun } from '../state/hooks.js';
import { useNavigation } from '../state/navigation.js';
import { isFinished } from '../state/run-store.js';
import { useSession } from '../state/session-store.js';
import { runStateWord } from '../words/run-words.js';
import { BrandMark } from './BrandMark.js';

export function Header() {
  const appInfo = useSession((state) => state.appInfo);
  const screen = useNavigation((state) => state.route.screen);
  const run = useShownRun();
  const formEnvironment = useForm((state) => state.environment);
  // Leaving a run that is still going does not stop it: the engine keeps it, and Runs lists it with Open.
  const live = run && !isFinished(run) ? run : undefined;
  const leaving = live
    ? `The run "${live.title}" keeps going (${runStateWord(live).toLowerCase()}); reopen it from Runs with Open.`
    : undefined;
  const environment: EnvironmentKind | undefined =
    screen === 'run' || screen === 'report' || screen === 'undo'
      ? run?.environment
      : screen === 'inputs' || screen === 'plan'
        ? formEnvironment
        : undefined;
  return (
    <header className="app-header" data-testid="app-header">
      <div className="brand">
        <BrandMark />
        <span className="brand-name">Breakglass</span>
        {appInfo ? (
          <span className="brand-meta" data-testid="app-version">
            {appInfo.version}
          </span>
        ) : null}
        {environment ? <EnvironmentBadge environment={environment} /> : null}
      </div>
      <nav className="header-actions" aria-label="Main">
        <button
          type="button"
          className="secondary"
          data-testid="nav-new"
          title={leaving}
          onClick={client.restart}
        >
          New recovery
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="nav-runs"
          title={leaving}
          onClick={client.openRuns}
        >
          Runs
        </button>
        {appInfo ? (
          <span className="badge" data-testid="transport-badge" title={`Data: ${appInfo.dataDir}`}>
            {appInfo.transport === 'electron' ? 'Desktop' : 'Browser (local)'}
          </span>
        ) : null}
      </nav>
    </header>
  );
}

/** Practice or real, always in sight: the one fact that must never be mistaken. */
export function EnvironmentBadge({ environment }: { environment: EnvironmentKind }) {
  return (
    <span
      className={`badge env-${environment}`}
      data-testid="environment-badge"
      data-environment={environment}
    >
      {environment === 'sandbox' ? 'Practice sandbox' : 'Real server'}
    </span>
  );
}
