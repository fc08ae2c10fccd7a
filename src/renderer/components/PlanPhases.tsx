import type { PlanPhase, PlanView } from '../../shared/procedure.js';

/** A fan-out in words: "4 servers, up to 3 at once". */
export function fanOutWords(fanOut: NonNullable<PlanPhase['fanOut']>): string {
  const count = fanOut.hosts.length;
  const servers = `${count} ${count === 1 ? 'server' : 'servers'}`;
  if (count <= 1) return servers;
  if (fanOut.concurrency === 1) return `${servers}, one at a time`;
  return fanOut.concurrency >= count
    ? `${servers}, all at once`
    : `${servers}, up to ${fanOut.concurrency} at once`;
}

/**
 * Before anything runs: the plan's phases in order (with their step numbers) and the outage
 * window — what users lose, for about how long, from which step to which; a phase that fans out
 * names its hosts and how many run at once.
 */
export function PlanPhases({ plan }: { plan: PlanView }) {
  const number = (id: string) => plan.steps.findIndex((step) => step.id === id) + 1;
  const title = (id: string | undefined) => plan.steps.find((step) => step.id === id)?.title ?? id ?? '';
  const phases = plan.phases ?? [];
  const fanOuts = phases.filter((phase) => phase.fanOut);
  return (
    <>
      {phases.length <= 1
        ? fanOuts.map((phase) => (
            <p key={phase.id} className="phase-fan-out" data-testid={`plan-fan-out-${phase.id}`}>
              {fanOutWords(phase.fanOut!)}: {phase.fanOut!.hosts.join(', ')}
            </p>
          ))
        : null}
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
              {phase.fanOut ? (
                <span className="phase-fan-out" data-testid={`plan-fan-out-${phase.id}`}>
                  {fanOutWords(phase.fanOut)}: {phase.fanOut.hosts.join(', ')}
                </span>
              ) : null}
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
