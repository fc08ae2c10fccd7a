import { ObjectFields } from './ObjectFields.js';
import { FieldHelp } from './FieldHelp.js';
import { applyChange, asRecord, fieldId, type FieldProps } from './field-props.js';
import { fieldLabel, initialValue, type Variants } from './json-schema.js';

/** A discriminated union: first the choice, then the chosen variant's own fields. */
export function VariantField(props: FieldProps & { variants: Variants }) {
  const { name, path, schema, root, value, onChange, variants } = props;
  const current = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const selected =
    variants.options.find((option) => option.value === current[variants.discriminator]) ??
    variants.options[0];
  const id = fieldId(path || 'root');
  const { [variants.discriminator]: _discriminator, ...ownFields } = selected?.schema.properties ?? {};
  return (
    <fieldset className="fields variant" data-testid={`variant-${path || 'root'}`}>
      <legend>{fieldLabel(name, schema)}</legend>
      <FieldHelp id={`${id}-help`} text={schema.description} />
      <div className="variant-choice" role="radiogroup" aria-label={fieldLabel(name, schema)}>
        {variants.options.map((option) => (
          <label key={option.value} className="radio">
            <input
              type="radio"
              name={`${path}#${variants.discriminator}`}
              checked={option === selected}
              data-testid={`variant-${path || 'root'}-${option.value}`}
              onChange={() => onChange(initialValue(option.schema, root))}
            />
            {option.label}
          </label>
        ))}
      </div>
      {selected ? (
        <ObjectFields
          name={name}
          path={path}
          root={root}
          required={props.required}
          bare
          schema={{ ...selected.schema, properties: ownFields }}
          value={current}
          onChange={(change) =>
            onChange((previous: unknown) => {
              const latest = asRecord(previous);
              // Another variant was chosen meanwhile: this field is gone, so its late change (e.g. a generated password) is dropped.
              if (variants.discriminator in latest && latest[variants.discriminator] !== selected.value)
                return previous;
              return { ...asRecord(applyChange(change, latest)), [variants.discriminator]: selected.value };
            })
          }
        />
      ) : null}
    </fieldset>
  );
}
