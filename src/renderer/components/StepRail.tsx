import { client } from '../state/client.js';
import { useForm } from '../state/form-store.js';
import { useShownRun } from '../state/hooks.js';
import { useNavigation, type Route, type Screen } from '../state/navigation.js';
import { isFinished } from '../state/run-store.js';

const STEPS: Array<{ screen: Screen; label: string }> = [
  { screen: 'choose', label: 'Choose' },
  { screen: 'inputs', label: 'Inputs' },
  { screen: 'plan', label: 'Plan' },
  { screen: 'run', label: 'Run' },
  { screen: 'report', label: 'Report' },
];

/** Where the admin is in the wizard; the steps already done are links back to them. */
export function StepRail() {
  const screen = useNavigation((state) => state.route.screen);
  const form = useForm();
  const run = useShownRun();
  const current = STEPS.findIndex((step) => step.screen === screen);
  // The form and plan belong to the shown run only when this session started it from them.
  const formOfRun = !run || form.startedRunId === run.runId;
  const routes: Partial<Record<Screen, Route>> = {
    choose: { screen: 'choose' },
    inputs: form.procedureId && formOfRun ? { screen: 'inputs', procedureId: form.procedureId } : undefined,
    plan: form.plan && formOfRun ? { screen: 'plan', procedureId: form.plan.procedureId } : undefined,
    run: run ? { screen: 'run', runId: run.runId } : undefined,
    report: run && isFinished(run) ? { screen: 'report', runId: run.runId } : undefined,
  };
  return (
    <nav className="step-rail-nav" aria-label="Wizard steps">
      <ol className="step-rail" data-testid="step-rail">
        {STEPS.map((step, index) => {
          const state =
            current < 0 ? 'todo' : index < current ? 'done' : index === current ? 'current' : 'todo';
          const route = state === 'done' ? routes[step.screen] : undefined;
          const content = (
            <>
              <span className="rail-index" aria-hidden="true">
                {index + 1}
              </span>
              {step.label}
              {state === 'done' ? <span className="visually-hidden"> (done)</span> : null}
            </>
          );
          return (
            <li
              key={step.screen}
              className={`rail-step ${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
              data-testid={`rail-step-${step.screen}`}
            >
              {route ? (
                <button type="button" className="rail-link" onClick={() => client.go(route)}>
                  {content}
                </button>
              ) : (
                content
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
