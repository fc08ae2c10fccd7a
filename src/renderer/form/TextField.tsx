import { FieldHelp } from './FieldHelp.js';
import { fieldId, type FieldProps } from './field-props.js';
import { fieldLabel } from './json-schema.js';

const INPUT_TYPES: Record<string, string> = { email: 'email', uri: 'url', url: 'url', date: 'date' };

export function TextField({ name, path, schema, value, required, onChange }: FieldProps) {
  const id = fieldId(path);
  const long = schema.format === 'multiline';
  const common = {
    id,
    name: path,
    value: typeof value === 'string' ? value : '',
    required,
    minLength: schema.minLength,
    maxLength: schema.maxLength,
    'aria-describedby': schema.description ? `${id}-help` : undefined,
    'data-testid': `input-${path}`,
  };
  return (
    <div className="field">
      <label htmlFor={id}>
        {fieldLabel(name, schema)}
        {required ? <span className="required"> (required)</span> : null}
      </label>
      {long ? (
        <textarea {...common} rows={4} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...common}
          type={INPUT_TYPES[schema.format ?? ''] ?? 'text'}
          spellCheck={false}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      <FieldHelp id={`${id}-help`} text={schema.description} />
    </div>
  );
}
