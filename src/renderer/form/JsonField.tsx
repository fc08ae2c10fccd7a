import { useState } from 'react';
import { FieldHelp } from './FieldHelp.js';
import { fieldId, type FieldProps } from './field-props.js';
import { fieldLabel } from './json-schema.js';

/** For shapes the form has no control for: the value as JSON text, checked as you type (never for secrets: see SchemaField). */
export function JsonField({ name, path, schema, value, required, onChange }: FieldProps) {
  const id = fieldId(path);
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [invalid, setInvalid] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>
        {fieldLabel(name, schema)} <span className="hint">(JSON)</span>
      </label>
      <textarea
        id={id}
        rows={4}
        required={required}
        value={text}
        aria-invalid={invalid}
        data-testid={`input-${path}`}
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value.trim() === '') {
            setInvalid(false);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(event.target.value));
            setInvalid(false);
          } catch {
            setInvalid(true);
          }
        }}
      />
      {invalid ? <p className="field-error">Not valid JSON yet.</p> : null}
      <FieldHelp id={`${id}-help`} text={schema.description} />
    </div>
  );
}
