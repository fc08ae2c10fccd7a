import { SchemaField } from './SchemaField.js';
import { applyChange, asRecord, type FieldProps } from './field-props.js';
import { fieldLabel } from './json-schema.js';

/** An object: a fieldset of its properties (the form's root object, and a variant's fields, have no legend of their own). */
export function ObjectFields({
  name,
  path,
  schema,
  root,
  value,
  onChange,
  bare,
}: FieldProps & { bare?: boolean }) {
  const current = asRecord(value);
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([key, property]) => (
    <SchemaField
      key={key}
      name={key}
      path={path ? `${path}.${key}` : key}
      schema={property}
      root={root}
      value={current[key]}
      required={required.has(key)}
      onChange={(change) =>
        onChange((previous: unknown) => {
          const latest = asRecord(previous);
          return { ...latest, [key]: applyChange(change, latest[key]) };
        })
      }
    />
  ));
  if (!path || bare) return <div className="fields">{fields}</div>;
  return (
    <fieldset className="fields nested" data-testid={`fieldset-${path}`}>
      <legend>{fieldLabel(name, schema)}</legend>
      {schema.description ? <p className="field-help">{schema.description}</p> : null}
      {fields}
    </fieldset>
  );
}
