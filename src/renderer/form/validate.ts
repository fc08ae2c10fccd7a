/**
 * The form's own checks as the admin types, read from the procedure's JSON Schema: required
 * fields, lengths, patterns, number bounds, list sizes. Messages are sentences without the field
 * name (the field's label is beside them). The engine checks again on submit; its word is final.
 */
import {
  humanize,
  recordValues,
  resolve,
  schemaType,
  unwrapNullable,
  variantsOf,
  type JsonSchema,
} from './json-schema.js';

export type FieldErrors = Record<string, string>;

export function validateForm(schema: JsonSchema, value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  check(schema, schema, value, '', true, errors);
  return errors;
}

function check(
  schema: JsonSchema,
  root: JsonSchema,
  value: unknown,
  path: string,
  required: boolean,
  errors: FieldErrors,
): void {
  const node = unwrapNullable(schema, root);
  // A list not started yet is an empty list: its own rule (at least N items) says what is missing.
  if (value === undefined && schemaType(node) === 'array') value = [];
  const empty = value === undefined || value === '' || value === null;
  if (empty) {
    if (required && path && node.default === undefined) errors[path] = 'Required.';
    return;
  }
  const variants = variantsOf(node, root);
  if (variants) {
    const record = value as Record<string, unknown>;
    const selected =
      variants.options.find((option) => option.value === record[variants.discriminator]) ??
      variants.options[0];
    if (selected) check(selected.schema, root, value, path, required, errors);
    return;
  }
  const message = problem(node, value);
  if (message) {
    errors[path] = message;
    return;
  }
  if (Array.isArray(value) && node.items) {
    value.forEach((item, index) =>
      check(node.items ?? {}, root, item, join(path, String(index)), true, errors),
    );
    return;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const requiredKeys = new Set(node.required ?? []);
    for (const [key, property] of Object.entries(node.properties ?? {}))
      check(property, root, record[key], join(path, key), requiredKeys.has(key), errors);
    const values = recordValues(node, root);
    if (values && !node.properties)
      for (const [key, item] of Object.entries(record))
        check(values, root, item, join(path, key), true, errors);
  }
}

/** What is wrong with one value against its own node (not its children), or undefined. */
function problem(node: JsonSchema, value: unknown): string | undefined {
  const type = schemaType(node);
  if (typeof value === 'string') {
    const length = [...value].length;
    if (node.minLength !== undefined && length < node.minLength)
      return `Use at least ${node.minLength} character${node.minLength === 1 ? '' : 's'} (now ${length}).`;
    if (node.maxLength !== undefined && length > node.maxLength)
      return `Use at most ${node.maxLength} characters (now ${length}).`;
    if (node.pattern && !safePattern(node.pattern)?.test(value)) return 'Not in the expected form.';
    if (node.enum && !node.enum.includes(value)) return 'Choose one of the options.';
  }
  if (typeof value === 'number' && (type === 'number' || type === 'integer')) {
    if (type === 'integer' && !Number.isInteger(value)) return 'Give a whole number.';
    if (node.minimum !== undefined && value < node.minimum) return `Give ${node.minimum} or more.`;
    if (node.maximum !== undefined && value > node.maximum) return `Give ${node.maximum} or less.`;
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems)
      return `Add at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}.`;
    if (node.maxItems !== undefined && value.length > node.maxItems)
      return `Keep at most ${node.maxItems} items.`;
  }
  return undefined;
}

function safePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The rule a field must meet, said before the admin submits (e.g. "At least 12 characters."). */
export function ruleOf(schema: JsonSchema): string | undefined {
  const parts: string[] = [];
  if (schema.minLength !== undefined && schema.maxLength !== undefined)
    parts.push(`${schema.minLength} to ${schema.maxLength} characters`);
  else if (schema.minLength !== undefined && schema.minLength > 1)
    parts.push(`at least ${schema.minLength} characters`);
  else if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (parts.length === 0) return undefined;
  const text = parts.join(', ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The label of the field at a dotted path (for messages from the engine that name the path), if the form has it. */
export function labelAt(
  schema: JsonSchema,
  root: JsonSchema,
  path: string,
  value: unknown,
): string | undefined {
  let node: JsonSchema | undefined = unwrapNullable(schema, root);
  let current = value;
  let label: string | undefined;
  for (const key of path.split('.')) {
    if (!node) return undefined;
    const variants = variantsOf(node, root);
    if (variants) {
      const record = (current ?? {}) as Record<string, unknown>;
      node = (
        variants.options.find((option) => option.value === record[variants.discriminator]) ??
        variants.options[0]
      )?.schema;
    }
    const next: JsonSchema | undefined =
      node?.properties?.[key] ?? (/^\d+$/.test(key) ? node?.items : undefined) ?? recordValues(node, root);
    if (!next) return undefined;
    node = unwrapNullable(resolve(next, root), root);
    label = node.title ?? humanizeKey(key, label);
    current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  }
  return label;
}

function humanizeKey(key: string, parent: string | undefined): string {
  return /^\d+$/.test(key) ? `${parent ?? 'Item'} ${Number(key) + 1}` : humanize(key);
}
