import { FieldError } from './FieldError.js';
import { FieldHelp } from './FieldHelp.js';
import { SchemaField } from './SchemaField.js';
import { applyChange, asRecord, fieldId, type FieldProps } from './field-props.js';
import { fieldLabel, initialValue, type JsonSchema } from './json-schema.js';

/** A map of names to values (z.record): a name box and the value's own control per entry (secrets stay masked). */
export function RecordField({
  name,
  path,
  schema,
  root,
  value,
  onChange,
  values,
}: FieldProps & { values: JsonSchema }) {
  const id = fieldId(path);
  const entries = Object.entries(asRecord(value));
  const rename = (from: string, to: string) =>
    onChange((previous: unknown) =>
      Object.fromEntries(
        Object.entries(asRecord(previous)).map(([key, item]) => [key === from ? to : key, item]),
      ),
    );
  return (
    <fieldset className="fields nested record" data-testid={`fieldset-${path}`}>
      <legend>{fieldLabel(name, schema)}</legend>
      <FieldHelp id={`${id}-help`} text={schema.description} />
      {entries.length === 0 ? <p className="hint">None yet.</p> : null}
      <ol className="array-items">
        {entries.map(([key, item], index) => (
          <li key={index} className="array-item record-entry">
            <div className="field">
              <label htmlFor={`${id}-key-${index}`}>Name {index + 1}</label>
              <input
                id={`${id}-key-${index}`}
                type="text"
                spellCheck={false}
                value={key}
                data-testid={`record-key-${path}-${index}`}
                onChange={(event) => rename(key, event.target.value)}
              />
            </div>
            <SchemaField
              name={key || `Value ${index + 1}`}
              path={`${path}.${key}`}
              schema={{ title: `Value of ${key || `entry ${index + 1}`}`, ...values }}
              root={root}
              value={item}
              required
              onChange={(change) =>
                onChange((previous: unknown) => {
                  const latest = asRecord(previous);
                  return { ...latest, [key]: applyChange(change, latest[key]) };
                })
              }
            />
            <button
              type="button"
              className="secondary"
              data-testid={`remove-${path}.${index}`}
              aria-label={`Remove entry ${index + 1}`}
              onClick={() =>
                onChange((previous: unknown) => {
                  const { [key]: _removed, ...rest } = asRecord(previous);
                  return rest;
                })
              }
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="secondary"
        data-testid={`add-${path}`}
        onClick={() =>
          onChange((previous: unknown) => {
            const latest = asRecord(previous);
            let number = Object.keys(latest).length + 1;
            while (`name${number}` in latest) number += 1;
            return { ...latest, [`name${number}`]: initialValue(values, root) ?? '' };
          })
        }
      >
        Add entry
      </button>
      <FieldError id={id} path={path} />
    </fieldset>
  );
}
