import type { StepProgress } from '../../shared/procedure.js';

const STATE_LABELS: Record<StepProgress['state'], string> = {
  pending: 'Waiting',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  undone: 'Undone',
};

export function RunStepItem({ step }: { step: StepProgress }) {
  return (
    <li className={`run-step ${step.state}`} data-testid={`run-step-${step.id}`} data-state={step.state}>
      <div className="run-step-head">
        <span className={`state-dot ${step.state}`} aria-hidden="true" />
        <span className={`kind-badge ${step.kind}`}>{step.kind}</span>
        <span className="run-step-title">{step.title}</span>
        <span className="run-step-state">{STATE_LABELS[step.state]}</span>
      </div>
      {step.message ? <p className="run-step-message">{step.message}</p> : null}
      {step.logs.length > 0 ? <pre className="log">{step.logs.join('\n')}</pre> : null}
    </li>
  );
}
