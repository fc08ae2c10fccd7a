/** Selectors the screens share. */
import type { ProcedureSummary, RunView } from '../../shared/procedure.js';
import { useForm } from './form-store.js';
import { useNavigation } from './navigation.js';
import { useRuns } from './run-store.js';
import { useSession } from './session-store.js';

/** The run the current route names (undefined until its view has arrived). */
export function useShownRun(): RunView | undefined {
  const runId = useNavigation((state) => ('runId' in state.route ? state.route.runId : undefined));
  return useRuns((state) => (runId ? state.views[runId] : undefined));
}

/** The procedure whose form is being filled. */
export function useFormProcedure(): ProcedureSummary | undefined {
  const procedureId = useForm((state) => state.procedureId);
  return useSession((state) => state.procedures?.find((procedure) => procedure.id === procedureId));
}
