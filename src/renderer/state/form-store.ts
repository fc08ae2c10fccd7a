/**
 * The form being filled: the procedure, where it runs, its inputs and the plan made from them.
 * Kept in sessionStorage without its secrets, so a reload brings the form back (the secrets are
 * typed again); the plan is kept too (it holds no secret: every string in it was redacted), so Back
 * from a run still shows the plan it ran.
 */
import { create } from 'zustand';
import type { EnvironmentKind, PlanView } from '../../shared/procedure.js';
import { withoutSecrets, type JsonSchema } from '../form/json-schema.js';
import type { FieldErrors } from '../form/validate.js';

export interface FormState {
  procedureId?: string;
  environment: EnvironmentKind;
  inputs: Record<string, unknown>;
  /** The plan made from these inputs; `startedRunId` once it was started (a plan runs once). */
  plan?: PlanView;
  startedRunId?: string;
  /** Secret fields holding a generated password (by path), and whether the admin said it is stored. */
  generated: Record<string, { acknowledged: boolean }>;
  /** Fields the admin has changed or left: their own checks show from then on. */
  touched: Record<string, true>;
  /** A submit was tried: every field's check shows. */
  submitted: boolean;
  /** The form's own checks of the inputs as they are (by path). */
  clientErrors: FieldErrors;
  /** The engine's refusal of the last submit, on the field it names (gone once that field changes). */
  serverErrors: FieldErrors;
}

export const FORM_STORAGE_KEY = 'breakglass.form';

export const EMPTY_FORM_CHECKS = {
  generated: {},
  touched: {},
  submitted: false,
  clientErrors: {},
  serverErrors: {},
} satisfies Partial<FormState>;

export const useForm = create<FormState>()(() => ({
  environment: 'sandbox',
  inputs: {},
  ...EMPTY_FORM_CHECKS,
}));

interface StoredForm {
  procedureId: string;
  environment: EnvironmentKind;
  inputs: Record<string, unknown>;
  plan?: PlanView;
  startedRunId?: string;
}

/** Keeps the form (minus secrets, per the procedure's schema) in this tab's storage as it changes. */
export function persistForm(schemaOf: (procedureId: string) => JsonSchema | undefined): () => void {
  return useForm.subscribe((state) => {
    const schema = state.procedureId ? schemaOf(state.procedureId) : undefined;
    try {
      if (!state.procedureId || !schema) {
        sessionStorage.removeItem(FORM_STORAGE_KEY);
        return;
      }
      const stored: StoredForm = {
        procedureId: state.procedureId,
        environment: state.environment,
        inputs: (withoutSecrets(schema, schema, state.inputs) as Record<string, unknown>) ?? {},
        plan: state.plan,
        startedRunId: state.startedRunId,
      };
      sessionStorage.setItem(FORM_STORAGE_KEY, JSON.stringify(stored));
    } catch {
      // Storage off or full: the form still works, it just is not restored after a reload.
    }
  });
}

/** The form kept for this procedure before a reload, if any. */
export function storedForm(procedureId: string): StoredForm | undefined {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(FORM_STORAGE_KEY) ?? 'null') as StoredForm | null;
    return parsed?.procedureId === procedureId && parsed.inputs && typeof parsed.inputs === 'object'
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
