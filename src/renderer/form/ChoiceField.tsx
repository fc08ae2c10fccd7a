import { FieldError } from './FieldError.js';
import { FieldHelp } from './FieldHelp.js';
import { fieldId, type FieldProps } from './field-props.js';
import { fieldLabel, humanize } from './json-schema.js';

/** A few options as radio buttons, more as a select. */
export function ChoiceField({
  name,
  path,
  schema,
  value,
  required,
  onChange,
  options,
}: FieldProps & { options: string[] }) {
  const id = fieldId(path);
  const label = fieldLabel(name, schema);
  const optionLabel = (option: string) => schema.optionLabels?.[option] ?? humanize(option);
  if (options.length <= 4) {
    return (
      <fieldset
        className="field choice"
        data-testid={`input-${path}`}
        aria-describedby={schema.description ? `${id}-help` : undefined}
      >
        <legend>{label}</legend>
        {options.map((option) => (
          <label key={option} className="radio">
            <input
              type="radio"
              name={path}
              value={option}
              checked={value === option}
              onChange={() => onChange(option)}
              data-testid={`input-${path}-${option}`}
            />
            {optionLabel(option)}
          </label>
        ))}
        <FieldHelp id={`${id}-help`} text={schema.description} />
        <FieldError id={id} path={path} />
      </fieldset>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={path}
        required={required}
        value={typeof value === 'string' ? value : ''}
        data-testid={`input-${path}`}
        onChange={(event) => onChange(event.target.value)}
      >
        {value === undefined ? <option value="">Choose…</option> : null}
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
      <FieldHelp id={`${id}-help`} text={schema.description} />
      <FieldError id={id} path={path} />
    </div>
  );
}
