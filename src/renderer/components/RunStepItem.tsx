import type { StepProgress } from '../../shared/procedure.js';
import { sentence } from '../words/run-words.js';

const STATE_LABELS: Record<StepProgress['state'], string> = {
  pending: 'Waiting',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  undone: 'Undone',
};

const KIND_WORDS: Record<StepProgress['kind'], string> = {
  check: 'Check',
  change: 'Change',
  manual: 'By hand',
  verify: 'Verify',
};

/** One step of the run: its number, kind and state in words, its message as a sentence, its log; the current one stands out. */
export function RunStepItem({
  step,
  index,
  total,
  current,
  steps,
}: {
  step: StepProgress;
  index: number;
  total: number;
  current: boolean;
  steps: readonly StepProgress[];
}) {
  return (
    <li
      className={`run-step ${step.state}${current ? ' current' : ''}`}
      aria-current={current ? 'step' : undefined}
      data-testid={`run-step-${step.id}`}
      data-state={step.state}
      data-current={current || undefined}
    >
      <div className="run-step-head">
        <span className={`state-dot ${step.state}`} aria-hidden="true" />
        <span className="step-number" aria-label={`Step ${index + 1} of ${total}`}>
          {index + 1}
        </span>
        <span className={`kind-badge ${step.kind}`}>{KIND_WORDS[step.kind]}</span>
        <span className="run-step-title">{step.title}</span>
        {step.host ? <span className="badge host">On {step.host}</span> : null}
        <span className="run-step-state">
          {current && step.state === 'pending' ? 'Up next' : STATE_LABELS[step.state]}
        </span>
      </div>
      {step.message ? <p className="run-step-message">{sentence(step.message, steps)}</p> : null}
      {step.logs.length > 0 ? <pre className="log">{step.logs.join('\n')}</pre> : null}
    </li>
  );
}
