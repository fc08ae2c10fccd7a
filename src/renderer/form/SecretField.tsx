import { useEffect, useRef, useState } from 'react';
import type { PasswordPolicyName } from '../../shared/ipc.js';
import { client } from '../state/client.js';
import { FieldHelp } from './FieldHelp.js';
import { fieldId, type FieldProps } from './field-props.js';
import { fieldLabel } from './json-schema.js';

/** A password or key: masked, never autocompleted or spell-checked, with Generate and Show/Hide. */
export function SecretField({ name, path, schema, value, required, onChange }: FieldProps) {
  const id = fieldId(path);
  const [visible, setVisible] = useState(false);
  // A password that arrives after the field is gone (another procedure, another variant) is not written anywhere.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  // The router checks the policy name; a wrong one comes back as an error naming the field.
  const policy = (schema.passwordPolicy ?? 'default') as PasswordPolicyName;
  return (
    <div className="field secret">
      <label htmlFor={id}>
        {fieldLabel(name, schema)}
        {required ? <span className="required"> (required)</span> : null}
      </label>
      <div className="secret-row">
        <input
          id={id}
          name={path}
          type={visible ? 'text' : 'password'}
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          required={required}
          value={typeof value === 'string' ? value : ''}
          aria-describedby={schema.description ? `${id}-help` : undefined}
          data-testid={`input-${path}`}
          onChange={(event) => onChange(event.target.value)}
        />
        <button
          type="button"
          className="secondary"
          aria-pressed={visible}
          data-testid={`toggle-${path}`}
          onClick={() => setVisible(!visible)}
        >
          {visible ? 'Hide' : 'Show'}
        </button>
        <button
          type="button"
          className="secondary"
          data-testid={`generate-${path}`}
          onClick={async () => {
            const password = await client.generatePassword(policy);
            // onChange applies to the latest inputs (see ObjectFields), so fields edited during the wait keep their edits.
            if (password !== undefined && mounted.current) {
              onChange(password);
              setVisible(true);
            }
          }}
        >
          Generate
        </button>
      </div>
      <FieldHelp id={`${id}-help`} text={schema.description} />
    </div>
  );
}
