import { client } from '../state/client.js';
import { FieldError } from './FieldError.js';
import { FieldHelp } from './FieldHelp.js';
import { fieldId, type FieldProps } from './field-props.js';
import { useFieldStatus } from './field-status.js';
import { fieldLabel } from './json-schema.js';
import { ruleOf } from './validate.js';

const INPUT_TYPES: Record<string, string> = { email: 'email', uri: 'url', url: 'url', date: 'date' };

export function TextField({ name, path, schema, value, required, onChange }: FieldProps) {
  const id = fieldId(path);
  const long = schema.format === 'multiline';
  const rule = ruleOf(schema);
  const help = [rule, schema.description].filter(Boolean).join(' ') || undefined;
  const status = useFieldStatus(id, path, Boolean(help));
  const change = (text: string) => {
    client.touch(path);
    onChange(text);
  };
  const common = {
    id,
    name: path,
    value: typeof value === 'string' ? value : '',
    required,
    minLength: schema.minLength,
    maxLength: schema.maxLength,
    ...status,
    'data-testid': `input-${path}`,
  };
  return (
    <div className="field">
      <label htmlFor={id}>
        {fieldLabel(name, schema)}
        {required ? <span className="required"> (required)</span> : null}
      </label>
      {long ? (
        <textarea {...common} rows={4} onChange={(event) => change(event.target.value)} />
      ) : (
        <input
          {...common}
          type={INPUT_TYPES[schema.format ?? ''] ?? 'text'}
          spellCheck={false}
          onChange={(event) => change(event.target.value)}
        />
      )}
      <FieldHelp id={`${id}-help`} text={help} />
      <FieldError id={id} path={path} />
    </div>
  );
}
