import { ErrorNotice } from './components/ErrorNotice.js';
import { Header } from './components/Header.js';
import { StepRail } from './components/StepRail.js';
import { ChooseScreen } from './screens/ChooseScreen.js';
import { InputsScreen } from './screens/InputsScreen.js';
import { PlanScreen } from './screens/PlanScreen.js';
import { ReportScreen } from './screens/ReportScreen.js';
import { RunScreen } from './screens/RunScreen.js';
import { RunsScreen } from './screens/RunsScreen.js';
import { useWizard, type Screen } from './state/wizard-store.js';

const SCREENS: Record<Screen, () => React.JSX.Element | null> = {
  choose: ChooseScreen,
  inputs: InputsScreen,
  plan: PlanScreen,
  run: RunScreen,
  report: ReportScreen,
  runs: RunsScreen,
};

export function App() {
  const screen = useWizard((state) => state.screen);
  const connectError = useWizard((state) => state.connectError);
  const Current = SCREENS[screen];
  return (
    <div className="app">
      <Header />
      <StepRail screen={screen} />
      <main className="content">
        {connectError ? (
          <div className="notice error" role="alert" data-testid="connect-error">
            {connectError}
          </div>
        ) : (
          <>
            <ErrorNotice />
            <Current />
          </>
        )}
      </main>
    </div>
  );
}
