import { FieldHelp } from './FieldHelp.js';
import { fieldId, type FieldProps } from './field-props.js';
import { fieldLabel, schemaType } from './json-schema.js';

/** Bounds beyond ±2^53 are zod's "any safe integer"; they only clutter the control. */
const meaningful = (bound: number | undefined) =>
  bound !== undefined && Math.abs(bound) < Number.MAX_SAFE_INTEGER ? bound : undefined;

export function NumberField({ name, path, schema, value, required, onChange }: FieldProps) {
  const id = fieldId(path);
  return (
    <div className="field">
      <label htmlFor={id}>
        {fieldLabel(name, schema)}
        {required ? <span className="required"> (required)</span> : null}
      </label>
      <input
        id={id}
        name={path}
        type="number"
        step={schemaType(schema) === 'integer' ? 1 : 'any'}
        min={meaningful(schema.minimum)}
        max={meaningful(schema.maximum)}
        required={required}
        value={typeof value === 'number' ? value : ''}
        aria-describedby={schema.description ? `${id}-help` : undefined}
        data-testid={`input-${path}`}
        onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))}
      />
      <FieldHelp id={`${id}-help`} text={schema.description} />
    </div>
  );
}
