import type { z } from 'zod';
import { printable } from '../../shared/printable.js';
import { inputJsonSchema } from './input-secrets.js';
import { InputError } from './types.js';

/**
 * Parses inputs with the procedure's schema; the first problem becomes an InputError naming the
 * field and the fix. Every procedure's inputs are strict, whatever its schema says: zod drops a
 * key it does not know, so a typo (`usename: jane.dev`) would silently become the default
 * (`admin`); here any key the schema does not name is an error that names it.
 */
export function validateInputs<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const given = raw ?? {};
  if (typeof given !== 'object' || Array.isArray(given))
    throw new InputError(
      'inputs',
      `must be an object of field: value pairs, not ${Array.isArray(given) ? 'a list' : `a ${typeof given}`}. Fix: give the inputs as in \`breakglass procedures --json\`.`,
    );
  const unknown = unknownKeys(inputJsonSchema(schema) as SchemaNode, given, [])[0];
  if (unknown) {
    const hint = unknown.closest ? ` (did you mean ${unknown.closest}?)` : '';
    throw new InputError(
      [...unknown.at, printable(unknown.key)].join('.'),
      `unknown field${hint}. Fix: remove it or correct its name; the fields are ${unknown.known.join(', ') || 'none'}.`,
    );
  }
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue)
    throw new InputError('inputs', 'invalid; check the input file against `breakglass procedures --json`');
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'inputs';
  throw new InputError(field, `${issue.message}. ${fixFor(issue)}`);
}

/** The input side of the procedure's schema, as JSON Schema (what `procedures --json` shows). */
interface SchemaNode {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode | SchemaNode[];
  prefixItems?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
}

interface UnknownKey {
  at: string[];
  key: string;
  known: string[];
  closest?: string;
}

function unknownKeys(root: SchemaNode, value: unknown, at: string[]): UnknownKey[] {
  const resolve = (node: SchemaNode): SchemaNode => {
    if (node.$ref === '#') return root;
    const name = node.$ref?.match(/^#\/\$defs\/(.+)$/)?.[1];
    return name && root.$defs?.[name] ? root.$defs[name] : node;
  };
  const walk = (given: SchemaNode, item: unknown, path: string[]): UnknownKey[] => {
    const node = resolve(given);
    const options = node.anyOf ?? node.oneOf;
    if (options) {
      // A union: the branches the value can be (a discriminator's const must match); it is fine
      // when one of them knows all its keys, else the first such branch names what is unknown.
      const fitting = options.map(resolve).filter((option) => fits(option, item));
      const results = fitting.map((option) => walk(option, item, path));
      return results.find((found) => found.length === 0) ?? results[0] ?? [];
    }
    if (Array.isArray(item)) {
      const tuple = node.prefixItems;
      const items = Array.isArray(node.items) ? undefined : node.items;
      return item.flatMap((element, index) => {
        const schema = tuple?.[index] ?? items;
        return schema ? walk(schema, element, [...path, String(index)]) : [];
      });
    }
    if (!item || typeof item !== 'object') return [];
    const parts = [node, ...(node.allOf ?? []).map(resolve)];
    const properties = Object.assign({}, ...parts.map((part) => part.properties ?? {})) as Record<
      string,
      SchemaNode
    >;
    const extra = parts.find((part) => part.additionalProperties !== undefined)?.additionalProperties;
    const isObjectSchema = parts.some((part) => part.properties || part.type === 'object');
    if (!isObjectSchema) return [];
    const known = Object.keys(properties);
    return Object.entries(item as Record<string, unknown>).flatMap(([key, child]) => {
      const schema = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
      if (schema) return walk(schema, child, [...path, key]);
      // An open record or a loose object (`additionalProperties: {}` or a schema) takes any key.
      if (extra !== undefined && extra !== false)
        return typeof extra === 'object' ? walk(extra, child, [...path, key]) : [];
      return [{ at: path, key, known, ...closestOf(key, known) }];
    });
  };
  return walk(root, value, at);
}

/** Whether the value can be this union branch: its type, and every const property it gives matches. */
function fits(option: SchemaNode, value: unknown): boolean {
  const types = option.type === undefined ? [] : Array.isArray(option.type) ? option.type : [option.type];
  const isObject = !!value && typeof value === 'object' && !Array.isArray(value);
  if (types.length > 0) {
    const kind = Array.isArray(value)
      ? 'array'
      : value === null
        ? 'null'
        : isObject
          ? 'object'
          : typeof value;
    if (!types.some((type) => type === kind || (type === 'integer' && kind === 'number'))) return false;
  }
  if (!isObject) return true;
  return Object.entries(option.properties ?? {}).every(([key, property]) => {
    if (!Object.prototype.hasOwnProperty.call(value, key)) return true;
    const given = (value as Record<string, unknown>)[key];
    if (property.const !== undefined) return property.const === given;
    if (property.enum && property.enum.length === 1) return property.enum[0] === given;
    return true;
  });
}

/** The known key a typo most likely meant (at most a third of its letters different). */
function closestOf(key: string, known: readonly string[]): { closest?: string } {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(best.name.length / 3)) ? { closest: best.name } : {};
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function fixFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('received undefined')
        ? 'Fix: provide this field.'
        : `Fix: give a ${issue.expected}.`;
    case 'too_small':
    case 'too_big':
      return 'Fix: give a value within the limits.';
    case 'invalid_value':
      return `Fix: use one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}.`;
    case 'unrecognized_keys':
      return `Fix: remove ${issue.keys.join(', ')} (unknown field${issue.keys.length > 1 ? 's' : ''}).`;
    case 'invalid_format':
      return `Fix: give a valid ${issue.format}.`;
    default:
      return 'Fix: correct this field.';
  }
}
