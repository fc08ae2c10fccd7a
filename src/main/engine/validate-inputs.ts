import type { z } from 'zod';
import { InputError } from './types.js';

/** Parses inputs with the procedure's schema; the first problem becomes an InputError naming the field and the fix. */
export function validateInputs<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue)
    throw new InputError('inputs', 'invalid; check the input file against `breakglass procedures --json`');
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'inputs';
  throw new InputError(field, `${issue.message}. ${fixFor(issue)}`);
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
