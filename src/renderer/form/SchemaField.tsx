import { ArrayField } from './ArrayField.js';
import { BooleanField } from './BooleanField.js';
import { ChoiceField } from './ChoiceField.js';
import { JsonField } from './JsonField.js';
import { NumberField } from './NumberField.js';
import { ObjectFields } from './ObjectFields.js';
import { RecordField } from './RecordField.js';
import { SecretField } from './SecretField.js';
import { TextField } from './TextField.js';
import { VariantField } from './VariantField.js';
import type { FieldProps } from './field-props.js';
import { recordValues, schemaType, unwrapNullable, variantsOf } from './json-schema.js';

/** Picks the control for one schema node; anything it does not know becomes a JSON text box, so any procedure renders. */
export function SchemaField(props: FieldProps) {
  const schema = unwrapNullable(props.schema, props.root);
  const field = { ...props, schema };
  const variants = variantsOf(schema, props.root);
  if (variants) return <VariantField {...field} variants={variants} />;
  if (schema.secret) return <SecretField {...field} />;
  if (schema.enum) return <ChoiceField {...field} options={schema.enum.map(String)} />;
  switch (schemaType(schema)) {
    case 'object': {
      if (schema.properties) return <ObjectFields {...field} />;
      const values = recordValues(schema, props.root);
      return values ? <RecordField {...field} values={values} /> : <JsonField {...field} />;
    }
    case 'array':
      return schema.items ? <ArrayField {...field} /> : <JsonField {...field} />;
    case 'string':
      return <TextField {...field} />;
    case 'boolean':
      return <BooleanField {...field} />;
    case 'number':
    case 'integer':
      return <NumberField {...field} />;
    default:
      return <JsonField {...field} />;
  }
}
