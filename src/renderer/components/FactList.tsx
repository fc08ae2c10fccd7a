import type { Fact } from '../../shared/procedure.js';

const MARKS: Record<Fact['status'], string> = { ok: '✓', info: 'i', warn: '!', error: '✗' };

export function FactList({ facts }: { facts: Fact[] }) {
  if (facts.length === 0) return null;
  return (
    <dl className="facts">
      {facts.map((fact, index) => (
        <div
          key={`${fact.label}-${index}`}
          className={`fact ${fact.status}`}
          data-testid="plan-fact"
          data-status={fact.status}
        >
          <dt>
            <span className="fact-mark" aria-label={fact.status}>
              {MARKS[fact.status]}
            </span>
            {fact.label}
          </dt>
          <dd>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}
