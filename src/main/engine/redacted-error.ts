import type { Redactor } from '../../shared/redact.js';
import { InputError, ProcedureRefusal, StepFailure } from './types.js';

/** The same error with its message (and fix) passed through the redactor, keeping its class. */
export function redactedError(error: unknown, redactor: Redactor): Error {
  if (error instanceof InputError) {
    const redacted = new InputError(
      error.field,
      redactor.redact(error.message.slice(error.field.length + 2)),
    );
    return redacted;
  }
  if (error instanceof StepFailure)
    return new StepFailure(redactor.redact(error.message), error.fix && redactor.redact(error.fix));
  if (error instanceof ProcedureRefusal) return new ProcedureRefusal(redactor.redact(error.message));
  if (error instanceof Error) {
    const copy = new Error(redactor.redact(error.message));
    copy.name = error.name;
    return copy;
  }
  return new Error(redactor.redact(String(error)));
}
