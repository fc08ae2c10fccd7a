import { z } from 'zod';

/**
 * Which input fields are secrets (marked `.meta({ secret: true })` in the procedure's schema),
 * and moving their values in and out of an inputs object: the journal keeps the inputs without
 * them, resume puts re-entered ones back.
 */
type PathPattern = Array<string | '*'>;

export interface SecretValue {
  /** Dotted path of the field, e.g. `newPassword` or `accounts.0.password`. */
  field: string;
  value: string;
}

interface JsonSchemaNode {
  secret?: boolean;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode | JsonSchemaNode[];
  additionalProperties?: JsonSchemaNode | boolean;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
}

export function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Path patterns of every field marked secret; `*` stands for any array index or record key. */
export function secretFieldPatterns(schema: z.ZodType): PathPattern[] {
  const patterns: PathPattern[] = [];
  const walk = (node: JsonSchemaNode | undefined, at: PathPattern): void => {
    if (!node || typeof node !== 'object') return;
    if (node.secret === true) {
      patterns.push(at);
      return;
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [...at, key]);
    const items = Array.isArray(node.items) ? node.items : node.items ? [node.items] : [];
    for (const item of items) walk(item, [...at, '*']);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, [...at, '*']);
    for (const option of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])])
      walk(option, at);
  };
  walk(inputJsonSchema(schema) as JsonSchemaNode, []);
  return patterns;
}

function visit(
  value: unknown,
  pattern: PathPattern,
  at: string[],
  found: (path: string[], parent: Record<string, unknown>, key: string) => void,
): void {
  if (pattern.length === 0 || !value || typeof value !== 'object') return;
  const [head, ...rest] = pattern as [string, ...string[]];
  const container = value as Record<string, unknown>;
  const keys =
    head === '*'
      ? Object.keys(container)
      : Object.prototype.hasOwnProperty.call(container, head)
        ? [head]
        : [];
  for (const key of keys) {
    if (rest.length === 0) found([...at, key], container, key);
    else visit(container[key], rest, [...at, key], found);
  }
}

/** Every secret string present in `inputs`. */
export function collectSecrets(inputs: unknown, patterns: PathPattern[]): SecretValue[] {
  const secrets: SecretValue[] = [];
  for (const pattern of patterns) {
    visit(inputs, pattern, [], (at, parent, key) => {
      const value = parent[key];
      if (typeof value === 'string') secrets.push({ field: at.join('.'), value });
    });
  }
  return secrets;
}

/** A deep copy of `inputs` without its secret fields. */
export function withoutSecrets<T>(inputs: T, patterns: PathPattern[]): T {
  const copy = structuredClone(inputs);
  for (const pattern of patterns) visit(copy, pattern, [], (_at, parent, key) => delete parent[key]);
  return copy;
}

/** A deep copy of `inputs` with each secret put back at its field path. */
export function withSecrets<T>(inputs: T, secrets: readonly SecretValue[]): T {
  const copy = structuredClone(inputs) as Record<string, unknown>;
  for (const { field, value } of secrets) {
    const parts = field.split('.');
    let node: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (!next || typeof next !== 'object') node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1) as string] = value;
  }
  return copy as T;
}
