import { client } from '../state/client.js';
import { FieldError } from './FieldError.js';
import { FieldHelp } from './FieldHelp.js';
import { fieldId, type FieldProps } from './field-props.js';
import { useFieldStatus } from './field-status.js';
import { fieldLabel, schemaType } from './json-schema.js';

/** Bounds beyond ±2^53 are zod's "any safe integer"; they only clutter the control. */
const meaningful = (bound: number | undefined) =>
  bound !== undefined && Math.abs(bound) < Number.MAX_SAFE_INTEGER ? bound : undefined;

export function NumberField({ name, path, schema, value, required, onChange }: FieldProps) {
  const id = fieldId(path);
  const status = useFieldStatus(id, path, Boolean(schema.description));
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
        {...status}
        data-testid={`input-${path}`}
        onChange={(event) => {
          client.touch(path);
          onChange(event.target.value === '' ? undefined : Number(event.target.value));
        }}
      />
      <FieldHelp id={`${id}-help`} text={schema.description} />
      <FieldError id={id} path={path} />
    </div>
  );
}
