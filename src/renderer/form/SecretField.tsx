import { useEffect, useRef, useState } from 'react';
import type { PasswordPolicyName } from '../../shared/ipc.js';
import { client } from '../state/client.js';
import { useForm } from '../state/form-store.js';
import { FieldError } from './FieldError.js';
import { FieldHelp } from './FieldHelp.js';
import { GeneratedSecret } from './GeneratedSecret.js';
import { fieldId, type FieldProps } from './field-props.js';
import { useFieldStatus } from './field-status.js';
import { fieldLabel } from './json-schema.js';
import { ruleOf } from './validate.js';

/**
 * A password or key: masked, never autocompleted or spell-checked, its rule said up front, with
 * Show/Hide and Generate. A generated one stays masked until revealed on purpose, and must be
 * acknowledged as stored before the plan (see GeneratedSecret).
 */
export function SecretField({ name, path, schema, value, required, onChange }: FieldProps) {
  const id = fieldId(path);
  const [visible, setVisible] = useState(false);
  const generated = useForm((state) => state.generated[path]);
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
  const rule = ruleOf(schema);
  const status = useFieldStatus(id, path, Boolean(schema.description || rule));
  const text = typeof value === 'string' ? value : '';
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
          value={text}
          {...status}
          data-testid={`input-${path}`}
          onChange={(event) => {
            client.touch(path);
            client.forgetGenerated(path);
            onChange(event.target.value);
          }}
        />
        <button
          type="button"
          className="secondary"
          aria-pressed={visible}
          aria-controls={id}
          data-testid={`toggle-${path}`}
          onClick={() => setVisible(!visible)}
        >
          {visible ? 'Hide' : generated ? 'Reveal' : 'Show'}
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
              client.markGenerated(path);
              setVisible(false);
            }
          }}
        >
          Generate
        </button>
      </div>
      <FieldHelp id={`${id}-help`} text={[rule, schema.description].filter(Boolean).join(' ') || undefined} />
      {generated ? (
        <GeneratedSecret id={id} path={path} value={text} acknowledged={generated.acknowledged} />
      ) : null}
      <FieldError id={id} path={path} />
    </div>
  );
}
