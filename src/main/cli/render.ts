import { pendingLines } from '../engine/attention.js';
import type { PlanView, ProcedureSummary, RunEvent, RunSummary, RunView } from '../../shared/procedure.js';

/** Human-readable output of the CLI (the --json forms print the views themselves). */
export function renderPlan(plan: PlanView): string {
  const lines = [`Plan: ${plan.title} (${plan.environment})`, `Target: ${plan.target}`];
  if (plan.facts.length > 0)
    lines.push(
      'Facts:',
      ...plan.facts.map(
        (fact) => `  ${fact.label}: ${fact.value}${fact.status === 'info' ? '' : ` [${fact.status}]`}`,
      ),
    );
  if (plan.warnings.length > 0) lines.push('Warnings:', ...plan.warnings.map((warning) => `  ! ${warning}`));
  lines.push('Steps:');
  plan.steps.forEach((step, index) => {
    const { description } = step;
    const tags = [step.kind, description.outage ? 'OUTAGE' : '', step.undoable ? 'undoable' : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${index + 1}. ${step.title} [${tags}]`, `     ${description.summary}`);
    for (const detail of description.details) lines.push(`     ${detail}`);
    for (const statement of description.sql)
      lines.push(`     SQL (${statement.dialect}): ${statement.text.replace(/\n/g, '\n       ')}`);
    if (description.command)
      lines.push(`     Command: ${[description.command.program, ...description.command.args].join(' ')}`);
    if (description.services?.stop.length) lines.push(`     Stops: ${description.services.stop.join(', ')}`);
    if (description.services?.start.length)
      lines.push(`     Starts: ${description.services.start.join(', ')}`);
    if (description.diff)
      lines.push(
        ...description.diff.unified
          .trimEnd()
          .split(/\r?\n/)
          .map((line) => `     | ${line}`),
      );
    description.instructions.forEach((instruction, n) => lines.push(`     ${n + 1}) ${instruction}`));
    for (const warning of description.warnings) lines.push(`     ! ${warning}`);
  });
  return `${lines.join('\n')}\n`;
}

export function renderEvent(event: RunEvent): string | undefined {
  const step = event.run.steps.find((candidate) => candidate.id === event.stepId);
  switch (event.type) {
    case 'step-started':
      return step ? `▶ ${step.title}${step.message === 'undoing' ? ' (undo)' : ''}\n` : undefined;
    case 'log':
      return `    ${event.line ?? ''}\n`;
    case 'step-finished':
      return step ? `✔ ${step.title}${step.state === 'done' ? '' : ` (${step.state})`}\n` : undefined;
    case 'step-failed':
      return step ? `✖ ${step.title}: ${step.message ?? 'failed'}\n` : undefined;
    default:
      return undefined;
  }
}

export function renderRunOutcome(run: RunView): string {
  const lines = [`Run ${run.runId}: ${run.state}`];
  if (run.error) lines.push(run.error);
  if (run.prompt) lines.push(`Waiting on: ${run.prompt.title}`);
  lines.push(`Journal: ${run.journalPath} (final hash ${run.journalHash})`);
  const flag =
    run.prompt?.kind === 'manual' ? ` --done ${run.prompt.stepId ?? ''}` : run.prompt ? ' --yes' : '';
  if (run.attention) lines.push(...renderWaysOut(run, flag));
  else if (run.state !== 'succeeded' && run.state !== 'rolled-back')
    lines.push(`Continue with: breakglass resume ${run.runId}${flag}`);
  lines.push(`Report: breakglass report ${run.runId} --format md`);
  return `${lines.join('\n')}\n`;
}

/** What a stopped run left, loudly when a compensation is pending, and the ways forward and back with what each does. */
function renderWaysOut(run: RunView, flag: string): string[] {
  const attention = run.attention;
  if (!attention) return [];
  const lines: string[] = [];
  if (attention.pending.length > 0) {
    lines.push('', '!!! NEEDS ATTENTION: this run left the system in a state that must not stay:');
    for (const line of pendingLines(attention.pending)) lines.push(`!!!   ${line}`);
  }
  const { resume, rollback } = attention;
  lines.push('Way forward:');
  if (resume.available) {
    lines.push(
      `  breakglass resume ${run.runId}${flag} — runs what remains:`,
      ...resume.steps.map((step) => `    - ${step.title}: ${step.does}`),
    );
  } else lines.push(`  none (${resume.reason ?? 'nothing remains'})`);
  lines.push('Way back:');
  if (rollback.available) {
    lines.push(
      `  breakglass rollback ${run.runId} — undoes, newest first:`,
      ...rollback.steps.map((step) => `    - ${step.title}: ${step.does}`),
    );
  } else lines.push(`  none (${rollback.reason ?? 'nothing to undo'})`);
  return lines;
}

export function renderProcedures(procedures: ProcedureSummary[]): string {
  return `${procedures.map((procedure) => `${procedure.id}\n  ${procedure.title}\n  ${procedure.summary}`).join('\n')}\n`;
}

export function renderRuns(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No runs yet.\n';
  return `${runs
    .map((run) => {
      const line = `${run.runId}  ${run.state.padEnd(11)}  ${run.procedureId}  ${run.user}@${run.host}  ${run.startedAt}`;
      return run.needsAttention ? `${line}  NEEDS ATTENTION: ${(run.attention ?? []).join('; ')}` : line;
    })
    .join('\n')}\n`;
}
