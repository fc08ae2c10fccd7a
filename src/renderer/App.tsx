import { ErrorNotice } from './components/ErrorNotice.js';
import { Header } from './components/Header.js';
import { StepRail } from './components/StepRail.js';
import { WaitingBanner } from './components/WaitingBanner.js';
import { WorkingIndicator } from './components/WorkingIndicator.js';
import { ChooseScreen } from './screens/ChooseScreen.js';
import { InputsScreen } from './screens/InputsScreen.js';
import { PlanScreen } from './screens/PlanScreen.js';
import { ReportScreen } from './screens/ReportScreen.js';
import { RunScreen } from './screens/RunScreen.js';
import { RunsScreen } from './screens/RunsScreen.js';
import { UndoScreen } from './screens/UndoScreen.js';
import { useNavigation, type Screen } from './state/navigation.js';
import { useSession } from './state/session-store.js';

const SCREENS: Record<Screen, () => React.JSX.Element | null> = {
  choose: ChooseScreen,
  inputs: InputsScreen,
  plan: PlanScreen,
  run: RunScreen,
  report: ReportScreen,
  runs: RunsScreen,
  undo: UndoScreen,
};

export function App() {
  const screen = useNavigation((state) => state.route.screen);
  const connectError = useSession((state) => state.connectError);
  const connected = useSession((state) => state.procedures !== undefined);
  const Current = SCREENS[screen];
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to the content
      </a>
      <Header />
      <StepRail />
      <main className="content" id="main" tabIndex={-1}>
        {connectError ? (
          <div className="notice error" role="alert" data-testid="connect-error">
            {connectError}
          </div>
        ) : (
          <>
            <WaitingBanner />
            <ErrorNotice />
            {connected ? <Current /> : <p className="loading">Connecting…</p>}
          </>
        )}
      </main>
      <WorkingIndicator />
    </div>
  );
}

/** The hash holds the route, so the skip link moves focus itself instead of changing the address. */
function skipToMain(event: React.MouseEvent): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
