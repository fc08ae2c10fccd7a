import { randomUUID } from 'node:crypto';
import { PlannedStep, type PlanView } from '../../shared/procedure.js';
import { Redactor } from '../../shared/redact.js';
import { collectSecrets, secretFieldPatterns, withoutSecrets, type SecretValue } from './input-secrets.js';
import { redactedError } from './redacted-error.js';
import type { Environment, Plan, ProcedureDefinition } from './types.js';
import { validateInputs } from './validate-inputs.js';

/** A plan ready to run: the procedure's steps plus everything the runner and journal need. */
export interface PreparedPlan {
  planId: string;
  procedure: ProcedureDefinition;
  env: Environment;
  /** Validated inputs, secrets included: kept in memory only. */
  inputs: unknown;
  /** What the journal keeps: the raw inputs without their secret fields. */
  journalInputs: unknown;
  secrets: SecretValue[];
  /** Masks the secret inputs and every secret the procedure registered while planning; the Run uses this same instance. */
  redactor: Redactor;
  plan: Plan;
  view: PlanView;
}

/** Validates inputs and asks the procedure for its plan; changes nothing. */
export async function preparePlan(
  procedure: ProcedureDefinition,
  rawInputs: unknown,
  env: Environment,
): Promise<PreparedPlan> {
  const patterns = secretFieldPatterns(procedure.inputs);
  const redactor = new Redactor(collectSecrets(rawInputs, patterns).map((secret) => secret.value));
  let inputs: unknown;
  let plan: Plan;
  try {
    inputs = validateInputs(procedure.inputs, rawInputs);
    // A secret the procedure finds while planning (e.g. read from a config file) joins the run's
    // Redactor: the plan view below, the journal, events, errors and reports all mask it.
    plan = await procedure.plan({ inputs, env, addSecret: (value: string) => redactor.add(value) });
  } catch (error) {
    throw redactedError(error, redactor);
  }
  const secrets = collectSecrets(inputs, patterns);
  for (const secret of secrets) redactor.add(secret.value);
  const ids = new Set<string>();
  for (const step of plan.steps) {
    if (ids.has(step.id)) throw new Error(`Procedure ${procedure.id} has two steps with the id ${step.id}`);
    ids.add(step.id);
  }
  assertCompensations(procedure.id, plan);
  const view: PlanView = redactor.redactValue({
    planId: randomUUID(),
    procedureId: procedure.id,
    title: procedure.title,
    environment: env.kind,
    target: plan.target,
    facts: plan.facts,
    warnings: plan.warnings,
    steps: plan.steps.map((step) =>
      PlannedStep.parse({
        id: step.id,
        kind: step.kind,
        title: step.title,
        description: step.describe(),
        undoable: typeof step.undo === 'function',
        compensation: step.compensation,
        onFailure: step.onFailure ?? (step.kind === 'check' ? ['retry'] : undefined),
        pointOfNoReturn: step.pointOfNoReturn,
        manualCheck: step.kind === 'manual' ? step.manualCheck : undefined,
      }),
    ),
  });
  return {
    planId: view.planId,
    procedure,
    env,
    inputs,
    journalInputs: withoutSecrets(rawInputs ?? {}, patterns),
    secrets,
    redactor,
    plan,
    view,
  };
}

/** A compensation names a later step of the same plan, or relies on its step's own undo. */
function assertCompensations(procedureId: string, plan: Plan): void {
  plan.steps.forEach((step, index) => {
    if (!step.compensation) return;
    const { restoredBy } = step.compensation;
    if (restoredBy === undefined) {
      if (!step.undo)
        throw new Error(
          `Procedure ${procedureId}: step ${step.id} declares a compensation with neither a restoring step nor an undo`,
        );
      return;
    }
    if (!plan.steps.slice(index + 1).some((later) => later.id === restoredBy)) {
      throw new Error(
        `Procedure ${procedureId}: step ${step.id} is restored by "${restoredBy}", which is not a later step of the plan`,
      );
    }
  });
}
