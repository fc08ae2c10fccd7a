import { client } from '../state/client.js';
import { useForm } from '../state/form-store.js';

/**
 * What to say about a field now: the engine's word on the last submit, else the form's own check
 * once the field was touched or a submit was tried.
 */
export function useFieldProblem(path: string): string | undefined {
  return useForm(
    (state) =>
      state.serverErrors[path] ??
      (state.touched[path] || state.submitted ? state.clientErrors[path] : undefined),
  );
}

/** The ARIA wiring of a control: its help and error ids, whether it is invalid, and how it marks itself touched. */
export function useFieldStatus(id: string, path: string, hasHelp: boolean) {
  const problem = useFieldProblem(path);
  const describedBy = [hasHelp ? `${id}-help` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    'aria-describedby': describedBy || undefined,
    'aria-invalid': problem ? true : undefined,
    onBlur: () => client.touch(path),
  };
}
