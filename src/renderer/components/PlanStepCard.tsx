import type { PlannedStep } from '../../shared/procedure.js';
import { StepDetails } from './StepDetails.js';

export function PlanStepCard({ step, index }: { step: PlannedStep; index: number }) {
  return (
    <li className={`plan-step kind-${step.kind}`} data-testid={`plan-step-${step.id}`}>
      <div className="plan-step-head">
        <span className="step-number">{index + 1}</span>
        <span className={`kind-badge ${step.kind}`}>{step.kind}</span>
        <h3>{step.title}</h3>
        {step.host ? (
          <span className="badge host" data-testid={`plan-step-host-${step.id}`}>
            On {step.host}
          </span>
        ) : null}
        {step.description.outage ? (
          <span className="badge outage" data-testid="outage-badge">
            Outage
          </span>
        ) : null}
        {step.kind === 'change' ? (
          <span className="badge subtle">{step.undoable ? 'Can be undone' : 'Cannot be undone'}</span>
        ) : null}
      </div>
      <StepDetails description={step.description} />
    </li>
  );
}
