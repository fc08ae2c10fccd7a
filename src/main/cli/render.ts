import { pendingLines } from '../engine/attention.js';
import { formatTimeDown } from '../../shared/duration.js';
import { printable } from '../../shared/printable.js';
import type {
  HostProgress,
  PlanView,
  ProcedureSummary,
  RollbackPlan,
  RunEvent,
  RunSummary,
  RunView,
} from '../../shared/procedure.js';

/**
 * Human-readable output of the CLI (the --json forms print the views themselves). Every line is
 * passed through `printable` as it is joined: a user name or a database value holding an escape
 * sequence or a CR/LF is shown escaped, never acted on by the terminal or taken for a line of ours.
 */
function joinLines(lines: readonly string[]): string {
  return `${lines.map(printable).join('\n')}\n`;
}

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
  if (plan.outage)
    lines.push(
      `Outage window: about ${plan.outage.expectedMinutes} min, ${plan.outage.stepIds.length} step${plan.outage.stepIds.length === 1 ? '' : 's'} (${plan.outage.stepIds[0] ?? ''} … ${plan.outage.stepIds.at(-1) ?? ''}) — confirmed once before it starts`,
      `  ${plan.outage.impact}`,
    );
  lines.push('Steps:');
  const phases = plan.phases ?? [];
  plan.steps.forEach((step, index) => {
    const { description } = step;
    const phase = phases.find((candidate) => candidate.stepIds[0] === step.id);
    if (phase && phases.length > 1)
      lines.push(
        ` Phase ${phases.indexOf(phase) + 1}: ${phase.title}${phase.summary ? ` — ${phase.summary}` : ''}`,
      );
    if (phase?.fanOut)
      lines.push(
        `   Runs on ${phase.fanOut.hosts.length} host${phase.fanOut.hosts.length === 1 ? '' : 's'} in parallel, up to ${phase.fanOut.concurrency} at once: ${phase.fanOut.hosts.map(printable).join(', ')}`,
      );
    const inWindow = plan.outage?.stepIds.includes(step.id) ?? false;
    const tags = [step.kind, description.outage || inWindow ? 'OUTAGE' : '', step.undoable ? 'undoable' : '']
      .filter(Boolean)
      .join(', ');
    const on = step.host === undefined ? '' : ` (on ${printable(step.host)})`;
    lines.push(`  ${index + 1}. ${step.title}${on} [${tags}]`, `     ${description.summary}`);
    for (const detail of description.details) lines.push(`     ${detail}`);
    for (const statement of description.sql) {
      const [first = '', ...rest] = statement.text.split('\n');
      lines.push(`     SQL (${statement.dialect}): ${first}`, ...rest.map((line) => `       ${line}`));
    }
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
  return joinLines(lines);
}

export function renderEvent(event: RunEvent): string | undefined {
  const lines = eventLines(event);
  return lines ? joinLines(lines) : undefined;
}

function eventLines(event: RunEvent): string[] | undefined {
  const step = event.run.steps.find((candidate) => candidate.id === event.stepId);
  const { outage, phases = [] } = event.run;
  // Hosts run in parallel: each line says whose it is.
  const tag = step?.host === undefined ? '' : `[${printable(step.host)}] `;
  switch (event.type) {
    case 'step-started': {
      if (!step) return undefined;
      const undoing = step.message === 'undoing';
      const phase = phases.find((candidate) => candidate.stepIds[0] === step.id);
      const lines: string[] = [];
      if (!undoing && phase && phases.length > 1)
        lines.push(`== Phase ${phases.indexOf(phase) + 1}/${phases.length}: ${phase.title}`);
      if (!undoing && outage?.stepIds[0] === step.id)
        lines.push(`!! Outage window open (expected about ${outage.expectedMinutes} min): ${outage.impact}`);
      lines.push(`▶ ${tag}${step.title}${undoing ? ' (undo)' : ''}`);
      return lines;
    }
    case 'log':
      // A tool's multi-line output stays multi-line, each line indented under the step, so no
      // line of it can pass for one of ours.
      return (event.line ?? '').split(/\r?\n/).map((line) => `    ${tag}${line}`);
    case 'step-finished': {
      if (!step) return undefined;
      const lines = [`✔ ${tag}${step.title}${step.state === 'done' ? '' : ` (${step.state})`}`];
      if (outage?.state === 'closed' && outage.stepIds.at(-1) === step.id && step.state !== 'undone')
        lines.push(`!! Outage window closed: down ${formatTimeDown(outage.downMs, outage.expectedMinutes)}`);
      return lines;
    }
    case 'step-failed':
      return step ? [`✖ ${tag}${step.title}: ${step.message ?? 'failed'}`] : undefined;
    default:
      return undefined;
  }
}

const ROLLBACK_STATUS: Record<RollbackPlan['steps'][number]['status'], string> = {
  ok: 'checked: unchanged since the run',
  'moved-on': 'REFUSED: changed since the run',
  'cannot-check': 'REFUSED: could not be checked',
  unchecked: 'not checked',
};

/** The rollback plan: what will be undone, newest first, each with what its check found; or why not. */
export function renderRollbackPlan(plan: RollbackPlan): string {
  const after = plan.state === 'succeeded' ? ' (undo after success)' : '';
  if (plan.steps.length === 0)
    return joinLines([`Run ${plan.runId} cannot be rolled back: ${plan.reason ?? 'nothing to undo'}`]);
  const lines = [
    `Rolling back run ${plan.runId}${after} undoes, newest first:`,
    ...plan.steps.map(
      (step) =>
        `  - ${step.title}: ${step.does} [${ROLLBACK_STATUS[step.status]}${step.reason ? `: ${step.reason}` : ''}]`,
    ),
  ];
  if (!plan.available) lines.push(`Run ${plan.runId} cannot be rolled back: ${plan.reason ?? ''}`);
  return joinLines(lines);
}

/** The state as the CLI says it: a rollback after success says so. */
function stateWords(run: Pick<RunView, 'state' | 'succeededAt'>): string {
  if (!run.succeededAt) return run.state;
  return run.state === 'rolled-back'
    ? `rolled-back after success (succeeded ${run.succeededAt}, then undone)`
    : `${run.state} (undoing a run that succeeded ${run.succeededAt})`;
}

/** The printed resume/rollback commands carry `--input FILE` (the run's secret references) when the run had one. */
export interface OutcomeOptions {
  inputFile?: string;
}

export function renderRunOutcome(run: RunView, options: OutcomeOptions = {}): string {
  const lines = [`Run ${run.runId}: ${stateWords(run)}`];
  if (run.error) lines.push(...run.error.split('\n'));
  if (run.prompt) lines.push(`Waiting on: ${run.prompt.title}`);
  if (run.outage && run.outage.state !== 'pending')
    lines.push(
      run.outage.state === 'open'
        ? `!!! OUTAGE STILL OPEN since ${run.outage.openedAt ?? '?'}: down so far ${formatTimeDown(run.outage.downMs, run.outage.expectedMinutes)} — ${run.outage.impact}`
        : `Time down: ${formatTimeDown(run.outage.downMs, run.outage.expectedMinutes)}`,
    );
  if (run.hosts) lines.push(...hostLines(run.hosts));
  if (run.state === 'succeeded' && run.afterwards?.length)
    lines.push('Next:', ...run.afterwards.map((line) => `  - ${line}`));
  lines.push(`Journal: ${run.journalPath} (final hash ${run.journalHash})`);
  const input = options.inputFile ? ` --input ${shellWord(options.inputFile)}` : '';
  const flag = `${input}${
    run.prompt?.kind === 'manual' ? ` --done ${run.prompt.stepId ?? ''}` : run.prompt ? ' --yes' : ''
  }`;
  if (run.attention) lines.push(...renderWaysOut(run, flag, input));
  else if (run.state !== 'succeeded' && run.state !== 'rolled-back')
    lines.push(`Continue with: breakglass resume ${run.runId}${flag}`);
  lines.push(`Report: breakglass report ${run.runId} --format md`);
  return joinLines(lines);
}

/** What a stopped run left, loudly when a compensation is pending, and the ways forward and back with what each does. */
function renderWaysOut(run: RunView, flag: string, input: string): string[] {
  const attention = run.attention;
  if (!attention) return [];
  const lines: string[] = [];
  if (attention.pending.length > 0) {
    lines.push('', '!!! NEEDS ATTENTION: this run left the system in a state that must not stay:');
    for (const line of pendingLines(attention.pending)) lines.push(`!!!   ${line}`);
  }
  if (attention.hostsLeft?.length) {
    lines.push('', '!!! NEEDS ATTENTION: the run went on without these hosts:');
    for (const line of attention.hostsLeft) lines.push(`!!!   ${line}`);
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
      `  breakglass rollback ${run.runId}${input} — undoes, newest first:`,
      ...rollback.steps.map((step) => `    - ${step.title}: ${step.does}`),
    );
  } else lines.push(`  none (${rollback.reason ?? 'nothing to undo'})`);
  return lines;
}

const HOST_STATE: Record<HostProgress['state'], string> = {
  waiting: 'waiting',
  running: 'running',
  done: 'done',
  failed: 'FAILED',
  undone: 'undone',
};

/** One line per host: its state, its steps done, where it is, and why it failed. */
function hostLines(hosts: readonly HostProgress[]): string[] {
  const width = Math.max(...hosts.map((host) => host.host.length));
  return [
    'Hosts:',
    ...hosts.map(
      (host) =>
        `  ${printable(host.host).padEnd(width)}  ${HOST_STATE[host.state]} (${host.stepsDone}/${host.stepsTotal} steps${host.activity ? `; ${host.activity}` : ''})${host.message ? ` — ${host.message}` : ''}`,
    ),
  ];
}

/** A path as one shell word: as it is when it is plain, else single-quoted. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function renderProcedures(procedures: ProcedureSummary[]): string {
  return joinLines(
    procedures.flatMap((procedure) => [
      procedure.id,
      `  ${procedure.title}`,
      `  ${procedure.summary}`,
      '  Inputs:',
      ...inputLines(procedure.inputSchema, '    '),
      '',
    ]),
  );
}

interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
  secret?: boolean;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

/** One line per input (nested objects indented): name, kind, required or default, and what it is. */
function inputLines(schema: SchemaNode, indent: string): string[] {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  if (Object.keys(properties).length === 0) return [`${indent}(none)`];
  return Object.entries(properties).flatMap(([name, node]) => {
    const kind = node.secret
      ? 'secret: {env}, {file} or {stdin}'
      : node.enum
        ? node.enum.map((value) => JSON.stringify(value)).join(' | ')
        : node.anyOf || node.oneOf
          ? 'one of several forms'
          : [node.type ?? 'value'].flat().join(' | ');
    const need =
      required.has(name) && node.default === undefined
        ? 'required'
        : node.default !== undefined
          ? `default ${JSON.stringify(node.default)}`
          : 'optional';
    const about = node.description ?? node.title;
    const line = `${indent}${name} (${kind}; ${need})${about ? ` — ${about}` : ''}`;
    return node.properties && !node.secret ? [line, ...inputLines(node, `${indent}  `)] : [line];
  });
}

export function renderRuns(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No runs yet.\n';
  const rows = runs.map((run) => [
    run.runId,
    run.state,
    run.environment ?? 'unknown',
    run.procedureId,
    `${run.user}@${run.host}`,
    run.startedAt,
  ]);
  const header = ['RUN', 'STATE', 'WHERE', 'PROCEDURE', 'BY', 'STARTED'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return joinLines([
    format(header),
    ...runs.map((run, index) => {
      const after = run.succeededAt ? `  (undo after success; succeeded ${run.succeededAt})` : '';
      const line = `${format(rows[index] ?? [])}${after}`;
      return run.needsAttention ? `${line}  NEEDS ATTENTION: ${(run.attention ?? []).join('; ')}` : line;
    }),
  ]);
}
