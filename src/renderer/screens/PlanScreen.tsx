import { FactList } from '../components/FactList.js';
import { PlanPhases } from '../components/PlanPhases.js';
import { PlanStepCard } from '../components/PlanStepCard.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { useForm } from '../state/form-store.js';
import { useSession } from '../state/session-store.js';

/** The plan, read before anything runs: facts, warnings, then every step in order; Back returns to the form as filled. */
export function PlanScreen() {
  const plan = useForm((state) => state.plan);
  const startedRunId = useForm((state) => state.startedRunId);
  const busy = useSession((state) => state.busy);
  if (!plan) return null;
  const blocked = plan.facts.some((fact) => fact.status === 'error');
  return (
    <section data-testid="screen-plan">
      <ScreenHeading>{plan.title}</ScreenHeading>
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
      <PlanPhases plan={plan} />
      <ol className="plan-steps">
        {plan.steps.map((step, index) => (
          <PlanStepCard key={step.id} step={step} index={index} />
        ))}
      </ol>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          data-testid="back-to-inputs"
          onClick={client.backToInputs}
        >
          Back to the form
        </button>
        {startedRunId ? (
          <button
            type="button"
            className="primary"
            data-testid="open-started-run"
            onClick={() => void client.openRun(startedRunId)}
          >
            Open the run
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={busy || blocked}
            data-testid="start-run"
            onClick={() => void client.startRun()}
          >
            Start
          </button>
        )}
        <span className="hint">
          {startedRunId
            ? 'This plan has been started; a plan runs once. Change the form to make a new one.'
            : blocked
              ? 'A check found an error above; go back to the form, fix it and review the plan again.'
              : 'Checks run first; you confirm before the first change.'}
        </span>
      </div>
    </section>
  );
}
