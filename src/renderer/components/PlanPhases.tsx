import type { PlanView } from '../../shared/procedure.js';

/**
 * Before anything runs: the plan's phases in order (with their step numbers) and the outage
 * window — what users lose, for about how long, from which step to which.
 */
export function PlanPhases({ plan }: { plan: PlanView }) {
  const number = (id: string) => plan.steps.findIndex((step) => step.id === id) + 1;
  const title = (id: string | undefined) => plan.steps.find((step) => step.id === id)?.title ?? id ?? '';
  const phases = plan.phases ?? [];
  return (
    <>
      {phases.length > 1 ? (
        <ol className="phase-list" aria-label="Phases" data-testid="plan-phases">
          {phases.map((phase) => (
            <li key={phase.id} className="phase pending" data-testid={`plan-phase-${phase.id}`}>
              <span className="phase-title">{phase.title}</span>
              <span className="phase-state">
                {phase.stepIds.length === 1
                  ? `Step ${number(phase.stepIds[0] ?? '')}`
                  : `Steps ${number(phase.stepIds[0] ?? '')}–${number(phase.stepIds.at(-1) ?? '')}`}
              </span>
              {phase.summary ? <span className="phase-summary">{phase.summary}</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {plan.outage ? (
        <section className="outage-status pending" aria-label="Outage window" data-testid="plan-outage">
          <p>
            <strong>Outage: </strong>
            {plan.outage.impact}, for about {plan.outage.expectedMinutes} min.
          </p>
          <p>
            From step {number(plan.outage.stepIds[0] ?? '')} “{title(plan.outage.stepIds[0])}” to step{' '}
            {number(plan.outage.stepIds.at(-1) ?? '')} “{title(plan.outage.stepIds.at(-1))}”. You confirm it
            once, before it starts.
          </p>
        </section>
      ) : null}
    </>
  );
}
