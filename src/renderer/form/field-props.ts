import type { JsonSchema } from './json-schema.js';

export interface FieldProps {
  /** Property name (the label falls back to it). */
  name: string;
  /** Dotted path from the form's root: element ids and data-testids derive from it. */
  path: string;
  schema: JsonSchema;
  root: JsonSchema;
  value: unknown;
  required: boolean;
  onChange(value: unknown): void;
}

export function fieldId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
