import type { JsonSchema } from './json-schema.js';

/** A field's new value, or how to derive it from the latest value (a container applies a child's change to the latest inputs, not to what it rendered). */
export type FieldChange = unknown;
export type FieldUpdate = (previous: unknown) => unknown;

export interface FieldProps {
  /** Property name (the label falls back to it). */
  name: string;
  /** Dotted path from the form's root: element ids and data-testids derive from it. */
  path: string;
  schema: JsonSchema;
  root: JsonSchema;
  value: unknown;
  required: boolean;
  /** A plain value replaces the field's value; a function (never a form value: those are JSON) updates the latest one. */
  onChange(change: FieldChange | FieldUpdate): void;
}

/** The field's value after a change, given its latest value. */
export function applyChange(change: FieldChange | FieldUpdate, previous: unknown): unknown {
  return typeof change === 'function' ? (change as FieldUpdate)(previous) : change;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function fieldId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
