import { FieldError } from './FieldError.js';
import { FieldHelp } from './FieldHelp.js';
import { fieldId, type FieldProps } from './field-props.js';
import { fieldLabel } from './json-schema.js';

export function BooleanField({ name, path, schema, value, onChange }: FieldProps) {
  const id = fieldId(path);
  return (
    <div className="field checkbox">
      <input
        id={id}
        name={path}
        type="checkbox"
        checked={value === true}
        aria-describedby={schema.description ? `${id}-help` : undefined}
        data-testid={`input-${path}`}
        onChange={(event) => onChange(event.target.checked)}
      />
      <label htmlFor={id}>{fieldLabel(name, schema)}</label>
      <FieldHelp id={`${id}-help`} text={schema.description} />
      <FieldError id={id} path={path} />
    </div>
  );
}
