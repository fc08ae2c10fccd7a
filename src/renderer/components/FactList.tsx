import type { Fact } from '../../shared/procedure.js';

const MARKS: Record<Fact['status'], string> = { ok: '✓', info: 'i', warn: '!', error: '✗' };
const WORDS: Record<Fact['status'], string> = { ok: 'OK', info: 'Note', warn: 'Check', error: 'Problem' };

/** A value that says nothing was learned never gets the green tick. */
function shownStatus(fact: Fact): Fact['status'] {
  return fact.status === 'ok' && /^(unknown|not found|none)\b/i.test(fact.value.trim())
    ? 'info'
    : fact.status;
}

export function FactList({ facts }: { facts: Fact[] }) {
  if (facts.length === 0) return null;
  return (
    <dl className="facts">
      {facts.map((fact, index) => {
        const status = shownStatus(fact);
        return (
          <div
            key={`${fact.label}-${index}`}
            className={`fact ${status}`}
            data-testid="plan-fact"
            data-status={status}
          >
            <dt>
              <span className="fact-mark" role="img" aria-label={WORDS[status]}>
                {MARKS[status]}
              </span>
              {fact.label}
            </dt>
            <dd>{fact.value}</dd>
          </div>
        );
      })}
    </dl>
  );
}
