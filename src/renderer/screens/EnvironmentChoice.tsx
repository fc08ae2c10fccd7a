import type { EnvironmentKind } from '../../shared/procedure.js';
import { client } from '../state/client.js';
import { useForm } from '../state/form-store.js';

const OPTIONS: Array<{ value: EnvironmentKind; title: string; detail: string }> = [
  {
    value: 'sandbox',
    title: 'Practice sandbox',
    detail: 'A disposable copy with sample data on this machine. Nothing real is touched.',
  },
  {
    value: 'real',
    title: 'This server (real)',
    detail: 'Runs against the real installation and its databases.',
  },
];

export function EnvironmentChoice() {
  const environment = useForm((state) => state.environment);
  return (
    <fieldset className="environment-choice">
      <legend>Where should this run?</legend>
      {OPTIONS.map((option) => (
        <label
          key={option.value}
          className={`environment-option ${option.value} ${environment === option.value ? 'selected' : ''}`}
        >
          <input
            type="radio"
            name="environment"
            value={option.value}
            checked={environment === option.value}
            data-testid={`environment-${option.value}`}
            onChange={() => client.setEnvironment(option.value)}
          />
          <span className="environment-title">{option.title}</span>
          <span className="environment-detail">{option.detail}</span>
        </label>
      ))}
    </fieldset>
  );
}
