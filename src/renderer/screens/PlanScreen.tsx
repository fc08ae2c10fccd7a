import { FactList } from '../components/FactList.js';
import { PlanStepCard } from '../components/PlanStepCard.js';
import { useWizard } from '../state/wizard-store.js';

/** The plan, read before anything runs: facts, warnings, then every step in order. */
export function PlanScreen() {
  const plan = useWizard((state) => state.plan);
  const startRun = useWizard((state) => state.startRun);
  const busy = useWizard((state) => state.busy);
  if (!plan) return null;
  const blocked = plan.facts.some((fact) => fact.status === 'error');
  return (
    <section data-testid="screen-plan">
      <h1>{plan.title}</h1>
      <p className="lead">
        <span className={`badge env-${plan.environment}`}>
          {plan.environment === 'sandbox' ? 'Practice sandbox' : 'Real server'}
        </span>{' '}
        Target: <code data-testid="plan-target">{plan.target}</code>
      </p>
      <FactList facts={plan.facts} />
      {plan.warnings.map((warning, index) => (
        <p key={index} className="notice warn" data-testid="plan-warning">
          {warning}
        </p>
      ))}
      <ol className="plan-steps">
        {plan.steps.map((step, index) => (
          <PlanStepCard key={step.id} step={step} index={index} />
        ))}
      </ol>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={busy || blocked}
          data-testid="start-run"
          onClick={() => void startRun()}
        >
          Start
        </button>
        <span className="hint">
          {blocked
            ? 'A check found an error above; fix it and review the plan again.'
            : 'Checks run first; you confirm before the first change.'}
        </span>
      </div>
    </section>
  );
}
