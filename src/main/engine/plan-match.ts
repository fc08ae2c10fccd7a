import type { PlannedStep } from '../../shared/procedure.js';

/**
 * What a resume compares between the plan a run confirmed (its journal) and the re-plan: for each
 * step, what it is and what it will do — its kind, title, host, phase, undo, compensation, failure
 * choices, point of no return, and its command and services. Not the parts a step may read from the
 * state the run itself changes: its summary, details, file diff and SQL (a resume after the run
 * rewrote a config file, or a row its SQL was planned from, must still work).
 */
const COMPARED = [
  ['kind', (step: PlannedStep) => step.kind],
  ['title', (step: PlannedStep) => step.title],
  ['host', (step: PlannedStep) => step.host],
  ['phase', (step: PlannedStep) => step.phase],
  ['undo', (step: PlannedStep) => step.undoable],
  ['compensation', (step: PlannedStep) => step.compensation],
  ['failure choices', (step: PlannedStep) => step.onFailure],
  ['point of no return', (step: PlannedStep) => step.pointOfNoReturn],
  ['command', (step: PlannedStep) => step.description.command],
  ['services', (step: PlannedStep) => step.description.services],
] as const;

/** One line per step whose compared parts differ, naming them; empty when the plans match. */
export function changedSteps(confirmed: readonly PlannedStep[], now: readonly PlannedStep[]): string[] {
  return confirmed.flatMap((step) => {
    const again = now.find((candidate) => candidate.id === step.id);
    if (!again) return [`step "${step.title}" is no longer planned`];
    const fields = COMPARED.filter(
      ([, read]) => JSON.stringify(read(step) ?? null) !== JSON.stringify(read(again) ?? null),
    ).map(([name]) => name);
    return fields.length > 0 ? [`"${step.title}" (${step.id}): its ${fields.join(', ')} changed`] : [];
  });
}
