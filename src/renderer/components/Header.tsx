import { isFinished, useWizard } from '../state/wizard-store.js';
import { BrandMark } from './BrandMark.js';

export function Header() {
  const appInfo = useWizard((state) => state.appInfo);
  const restart = useWizard((state) => state.restart);
  const openRuns = useWizard((state) => state.openRuns);
  // Leaving a run that is still going does not stop it: the engine keeps it, and Runs lists it with Open.
  const live = useWizard((state) => (state.run && !isFinished(state.run) ? state.run : undefined));
  const leaving = live
    ? `The run "${live.title}" keeps going (${live.state}); reopen it from Runs with Open.`
    : undefined;
  return (
    <header className="app-header" data-testid="app-header">
      <div className="brand">
        <BrandMark />
        <span className="brand-name">Breakglass</span>
        {appInfo ? (
          <span className="brand-meta" data-testid="app-version">
            {appInfo.version} · {appInfo.platform}
          </span>
        ) : null}
      </div>
      <nav className="header-actions" aria-label="Main">
        <button type="button" className="secondary" data-testid="nav-new" title={leaving} onClick={restart}>
          New recovery
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="nav-runs"
          title={leaving}
          onClick={() => void openRuns()}
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
