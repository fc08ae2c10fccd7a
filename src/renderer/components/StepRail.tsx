import type { Screen } from '../state/wizard-store.js';

const STEPS: Array<{ screen: Screen; label: string }> = [
  { screen: 'choose', label: 'Choose' },
  { screen: 'inputs', label: 'Inputs' },
  { screen: 'plan', label: 'Plan' },
  { screen: 'run', label: 'Run' },
  { screen: 'report', label: 'Report' },
];

/** Where the admin is in the wizard; steps before the current one are shown as done. */
export function StepRail({ screen }: { screen: Screen }) {
  const current = STEPS.findIndex((step) => step.screen === screen);
  return (
    <ol className="step-rail" data-testid="step-rail" aria-label="Wizard steps">
      {STEPS.map((step, index) => {
        const state =
          current < 0 ? 'todo' : index < current ? 'done' : index === current ? 'current' : 'todo';
        return (
          <li
            key={step.screen}
            className={`rail-step ${state}`}
            aria-current={state === 'current' ? 'step' : undefined}
            data-testid={`rail-step-${step.screen}`}
          >
            <span className="rail-index">{index + 1}</span>
            {step.label}
          </li>
        );
      })}
    </ol>
  );
}
