import { FieldError } from './FieldError.js';
import { FieldHelp } from './FieldHelp.js';
import { SchemaField } from './SchemaField.js';
import { applyChange, fieldId, type FieldProps } from './field-props.js';
import { fieldLabel, initialValue } from './json-schema.js';

/** A list: one control per item (secrets stay masked), with Add and Remove. */
export function ArrayField({ name, path, schema, root, value, onChange }: FieldProps) {
  const id = fieldId(path);
  const items = Array.isArray(value) ? value : [];
  const itemSchema = schema.items ?? {};
  const label = fieldLabel(name, schema);
  const itemLabel = itemSchema.title ?? 'Item';
  const canAdd = schema.maxItems === undefined || items.length < schema.maxItems;
  return (
    <fieldset className="fields nested array" data-testid={`fieldset-${path}`}>
      <legend>{label}</legend>
      <FieldHelp id={`${id}-help`} text={schema.description} />
      {items.length === 0 ? <p className="hint">None yet.</p> : null}
      <ol className="array-items">
        {items.map((item, index) => (
          <li key={index} className="array-item">
            <SchemaField
              name={`${itemLabel} ${index + 1}`}
              path={`${path}.${index}`}
              schema={{ title: `${itemLabel} ${index + 1}`, ...itemSchema }}
              root={root}
              value={item}
              required
              onChange={(change) =>
                onChange((previous: unknown) => {
                  const latest = Array.isArray(previous) ? [...previous] : [];
                  latest[index] = applyChange(change, latest[index]);
                  return latest;
                })
              }
            />
            <button
              type="button"
              className="secondary"
              data-testid={`remove-${path}.${index}`}
              aria-label={`Remove ${itemLabel.toLowerCase()} ${index + 1}`}
              onClick={() =>
                onChange((previous: unknown) =>
                  (Array.isArray(previous) ? previous : []).filter((_, position) => position !== index),
                )
              }
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      {canAdd ? (
        <button
          type="button"
          className="secondary"
          data-testid={`add-${path}`}
          onClick={() =>
            onChange((previous: unknown) => [
              ...(Array.isArray(previous) ? previous : []),
              initialValue(itemSchema, root) ?? (itemSchema.type === 'object' ? {} : ''),
            ])
          }
        >
          Add {itemLabel.toLowerCase()}
        </button>
      ) : null}
      <FieldError id={id} path={path} />
    </fieldset>
  );
}
