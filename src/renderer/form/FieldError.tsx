import { useFieldProblem } from './field-status.js';

/** The problem with one field, beside it, in words (the label is right above it). */
export function FieldError({ id, path }: { id: string; path: string }) {
  const problem = useFieldProblem(path);
  return problem ? (
    <p className="field-error" id={`${id}-error`} data-testid={`field-error-${path}`} role="alert">
      {problem}
    </p>
  ) : null;
}
