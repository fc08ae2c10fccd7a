/**
 * Reading a procedure's input JSON Schema (zod 4's toJSONSchema, io: input) for the generic form:
 * references, nullable wrappers, discriminated variants, defaults and secret fields.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  /** A record's value schema (zod's z.record). */
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  title?: string;
  description?: string;
  format?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  /** Breakglass metadata: a password or key; rendered masked, never logged. */
  secret?: boolean;
  /** Breakglass metadata: the generator policy for this secret's "Generate" button. */
  passwordPolicy?: string;
  /** Breakglass metadata: how each `enum` value reads (e.g. `{ "it-users": "IT users (Service Center)" }`). */
  optionLabels?: Record<string, string>;
}

export interface Variant {
  value: string;
  label: string;
  schema: JsonSchema;
}

export interface Variants {
  discriminator: string;
  options: Variant[];
}

/** Follows a local `$ref` (`#/$defs/x`, `#/definitions/x`); anything else is returned unchanged. */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 32; depth += 1) {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(current.$ref);
    const target = match
      ? root[match[1] as '$defs' | 'definitions']?.[decodeURIComponent(match[2] ?? '')]
      : undefined;
    if (!target) return current;
    const { $ref: _ref, ...rest } = current;
    current = { ...target, ...rest };
  }
  return current;
}

/** `anyOf: [X, {type: "null"}]` (zod's nullable) is just X for the form. */
export function unwrapNullable(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const resolved = resolve(schema, root);
  const members = resolved.anyOf ?? resolved.oneOf;
  if (!members) return resolved;
  const nonNull = members.filter((member) => resolve(member, root).type !== 'null');
  if (nonNull.length === 1 && nonNull.length < members.length && nonNull[0]) {
    const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = resolved;
    return { ...resolve(nonNull[0], root), ...rest };
  }
  return resolved;
}

/** The choice in a `oneOf`/`anyOf` of objects that share a property with a `const` in each. */
export function variantsOf(schema: JsonSchema, root: JsonSchema): Variants | undefined {
  const members = (schema.oneOf ?? schema.anyOf)?.map((member) => resolve(member, root));
  const first = members?.[0];
  if (!members || !first?.properties) return undefined;
  const discriminator = Object.keys(first.properties).find((key) =>
    members.every(
      (member) => member.properties?.[key] && resolve(member.properties[key], root).const !== undefined,
    ),
  );
  if (!discriminator) return undefined;
  return {
    discriminator,
    options: members.map((member) => {
      const property = resolve(member.properties?.[discriminator] ?? {}, root);
      const value = String(property.const);
      return { value, label: member.title ?? property.title ?? humanize(value), schema: member };
    }),
  };
}

export function schemaType(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type;
}

/** The starting value of a field: its default, or for objects the starting values of their fields. */
export function initialValue(schema: JsonSchema, root: JsonSchema): unknown {
  const resolved = unwrapNullable(schema, root);
  if (resolved.default !== undefined) return structuredClone(resolved.default);
  if (resolved.const !== undefined) return resolved.const;
  const variants = variantsOf(resolved, root);
  if (variants?.options[0]) return initialValue(variants.options[0].schema, root);
  if (schemaType(resolved) === 'object' && resolved.properties) {
    const value: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(resolved.properties)) {
      const initial = initialValue(property, root);
      if (initial !== undefined) value[key] = initial;
    }
    return value;
  }
  return undefined;
}

/** Empty text means "not given": optional fields are left out instead of sent as "". */
export function withoutEmpty(value: unknown): unknown {
  if (value === '' || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(withoutEmpty).filter((item) => item !== undefined);
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const kept = withoutEmpty(item);
      if (kept !== undefined) copy[key] = kept;
    }
    return copy;
  }
  return value;
}

export function fieldLabel(name: string, schema: JsonSchema): string {
  return schema.title ?? humanize(name);
}

/** `adminUserName` / `admin_user-name` → "Admin user name". */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The value with every secret left out (variants, arrays and records included): what may be kept to restore the form. */
export function withoutSecrets(schema: JsonSchema, root: JsonSchema, value: unknown): unknown {
  const resolved = unwrapNullable(schema, root);
  if (resolved.secret) return undefined;
  if (Array.isArray(value)) {
    const items = resolved.items ?? {};
    return value.map((item) => withoutSecrets(items, root, item) ?? null);
  }
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const variants = variantsOf(resolved, root);
  const shape = variants
    ? (
        variants.options.find((option) => option.value === record[variants.discriminator]) ??
        variants.options[0]
      )?.schema
    : resolved;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    const property = shape?.properties?.[key] ?? recordValues(shape, root) ?? {};
    const kept = withoutSecrets(property, root, item);
    if (kept !== undefined) copy[key] = kept;
  }
  return copy;
}

/** A record's (`additionalProperties`) value schema, if it is one. */
export function recordValues(schema: JsonSchema | undefined, root: JsonSchema): JsonSchema | undefined {
  const values = schema?.additionalProperties;
  return values && typeof values === 'object' ? resolve(values, root) : undefined;
}
