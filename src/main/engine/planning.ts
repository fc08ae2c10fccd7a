import { randomUUID } from 'node:crypto';
import { PlannedStep, type OutageWindow, type PlanPhase, type PlanView } from '../../shared/procedure.js';
import { Redactor } from '../../shared/redact.js';
import { collectSecrets, secretFieldPatterns, withoutSecrets, type SecretValue } from './input-secrets.js';
import { lanesByHost } from './hosts.js';
import { DEFAULT_PHASE } from './phases.js';
import { redactedError } from './redacted-error.js';
import type { Environment, PhaseDefinition, Plan, ProcedureDefinition, StepDefinition } from './types.js';
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
  /** Every step of every phase, in run order. */
  steps: StepDefinition[];
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
  const phases = phasesOf(procedure.id, plan);
  const steps = phases.flatMap((phase) => phase.steps);
  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) throw new Error(`Procedure ${procedure.id} has two steps with the id ${step.id}`);
    ids.add(step.id);
  }
  assertCompensations(procedure.id, steps);
  for (const phase of phases) assertFanOut(procedure.id, phase);
  const phaseOf = new Map(phases.flatMap((phase) => phase.steps.map((step) => [step.id, phase.id])));
  const view: PlanView = redactor.redactValue({
    planId: randomUUID(),
    procedureId: procedure.id,
    title: procedure.title,
    environment: env.kind,
    target: plan.target,
    facts: plan.targetLock
      ? [...plan.facts, { label: 'Lock on the target', value: plan.targetLock.where, status: 'info' }]
      : plan.facts,
    warnings: plan.warnings,
    ...(plan.afterwards?.length ? { afterwards: plan.afterwards } : {}),
    phases: phases.map((phase): PlanPhase => ({
      id: phase.id,
      title: phase.title,
      ...(phase.summary === undefined ? {} : { summary: phase.summary }),
      stepIds: phase.steps.map((step) => step.id),
      ...(phase.fanOut
        ? {
            fanOut: {
              concurrency: phase.fanOut.concurrency,
              hosts: [...lanesByHost(phase.steps).keys()],
            },
          }
        : {}),
    })),
    ...(plan.outage ? { outage: outageWindow(procedure.id, plan, phases) } : {}),
    steps: steps.map((step) =>
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
        phase: phaseOf.get(step.id),
        host: step.host,
        activity: step.activity,
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
    steps,
    view,
  };
}

function phasesOf(procedureId: string, plan: Plan): PhaseDefinition[] {
  if (plan.phases && plan.steps)
    throw new Error(`Procedure ${procedureId}: a plan gives either steps or phases, not both`);
  if (!plan.phases) return [{ ...DEFAULT_PHASE, steps: plan.steps ?? [] }];
  const ids = new Set<string>();
  for (const phase of plan.phases) {
    if (ids.has(phase.id)) throw new Error(`Procedure ${procedureId} has two phases with the id ${phase.id}`);
    ids.add(phase.id);
  }
  return plan.phases;
}

/** The declared window as the steps it spans; refuses a window that names no step or phase of the plan. */
function outageWindow(procedureId: string, plan: Plan, phases: PhaseDefinition[]): OutageWindow {
  const declared = plan.outage;
  if (!declared) throw new Error('no outage window declared');
  const ids = phases.flatMap((phase) => phase.steps.map((step) => step.id));
  let first: number;
  let last: number;
  if ('phase' in declared) {
    const phase = phases.find((candidate) => candidate.id === declared.phase);
    if (!phase || phase.steps.length === 0)
      throw new Error(`Procedure ${procedureId}: the outage window's phase "${declared.phase}" has no steps`);
    first = ids.indexOf(phase.steps[0]?.id ?? '');
    last = first + phase.steps.length - 1;
  } else {
    first = ids.indexOf(declared.firstStep);
    last = ids.indexOf(declared.lastStep);
    if (first < 0 || last < first)
      throw new Error(
        `Procedure ${procedureId}: the outage window runs from "${declared.firstStep}" to "${declared.lastStep}", which are not steps of the plan in that order`,
      );
  }
  if (!(declared.expectedMinutes > 0))
    throw new Error(`Procedure ${procedureId}: the outage window needs its expected minutes`);
  return {
    stepIds: ids.slice(first, last + 1),
    expectedMinutes: declared.expectedMinutes,
    impact: declared.impact,
    ...('phase' in declared ? { phase: declared.phase } : {}),
  };
}

/** A compensation names a later step of the same plan, or relies on its step's own undo. */
function assertCompensations(procedureId: string, steps: StepDefinition[]): void {
  steps.forEach((step, index) => {
    if (!step.compensation) return;
    const { restoredBy } = step.compensation;
    if (restoredBy === undefined) {
      if (!step.undo)
        throw new Error(
          `Procedure ${procedureId}: step ${step.id} declares a compensation with neither a restoring step nor an undo`,
        );
      return;
    }
    if (!steps.slice(index + 1).some((later) => later.id === restoredBy)) {
      throw new Error(
        `Procedure ${procedureId}: step ${step.id} is restored by "${restoredBy}", which is not a later step of the plan`,
      );
    }
  });
}

/** A fan-out phase runs each host's steps in a lane of their own, with no one to ask mid-lane. */
function assertFanOut(procedureId: string, phase: PhaseDefinition): void {
  if (!phase.fanOut) return;
  if (!Number.isInteger(phase.fanOut.concurrency) || phase.fanOut.concurrency < 1)
    throw new Error(`Procedure ${procedureId}: phase ${phase.id} fans out with a concurrency below 1`);
  for (const step of phase.steps) {
    if (step.host === undefined)
      throw new Error(
        `Procedure ${procedureId}: step ${step.id} of the fan-out phase ${phase.id} names no host`,
      );
    if (step.kind === 'manual')
      throw new Error(`Procedure ${procedureId}: step ${step.id} of the fan-out phase ${phase.id} is manual`);
  }
}
