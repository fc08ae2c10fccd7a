import { formatTimeDown } from '../../../shared/duration.js';
import {
  ACTION_WORDS,
  HOST_STATE_WORDS,
  JOURNAL_SEAL_MEANING,
  outcomeWords,
  type ReportData,
} from './report-data.js';

/** The run report as Markdown (for a ticket or a wiki page). */
export function renderMarkdown(report: ReportData): string {
  const lines: string[] = [
    `# ${escapeMd(report.title)} — run ${report.runId}`,
    '',
    `- **Outcome:** ${outcomeWords(report)}${report.error ? ` — ${escapeMd(report.error)}` : ''}`,
    `- **Procedure:** ${report.procedureId} (${report.environment})`,
    `- **Target:** ${escapeMd(report.target)}`,
    `- **Started:** ${report.startedAt}${report.finishedAt ? `; **stopped/finished:** ${report.finishedAt}` : ''}`,
    ...report.people.map(
      (person) =>
        `- **${ACTION_WORDS[person.action]} by:** ${escapeMd(person.user)} on ${escapeMd(person.host)} at ${person.at}`,
    ),
    '',
  ];
  if (report.attention) lines.push(...waysOut(report));
  if (report.outcome === 'succeeded' && report.afterwards.length > 0)
    lines.push('## Next', '', ...report.afterwards.map((line) => `- ${escapeMd(line)}`), '');
  if (report.facts.length > 0) {
    lines.push('## Facts', '', '| Fact | Value | Status |', '|---|---|---|');
    for (const fact of report.facts)
      lines.push(`| ${cell(fact.label)} | ${cell(fact.value)} | ${fact.status} |`);
    lines.push('');
  }
  if (report.warnings.length > 0)
    lines.push('## Warnings', '', ...report.warnings.map((warning) => `- ${escapeMd(warning)}`), '');
  lines.push('## Confirmations', '');
  lines.push(
    ...(report.confirmations.length > 0
      ? report.confirmations.map((gate) => `- ${gate.at}: ${escapeMd(gate.what)}`)
      : ['- none']),
    '',
  );
  if (report.outage) lines.push(...outageLines(report.outage));
  if (report.hosts) lines.push(...hostLines(report.hosts));
  lines.push('## Steps', '');
  report.steps.forEach((step, index) => {
    const phase = report.phases.find((candidate) => candidate.stepIds[0] === step.id);
    if (phase && report.phases.length > 1)
      lines.push(
        `### Phase ${report.phases.indexOf(phase) + 1}: ${escapeMd(phase.title)} — ${phase.state}`,
        '',
        ...(phase.summary ? [escapeMd(phase.summary), ''] : []),
      );
    lines.push(
      `#### ${index + 1}. ${escapeMd(step.title)} (${step.kind}) — ${step.state}`,
      '',
      escapeMd(step.summary),
      '',
    );
    if (step.message) lines.push(`> ${escapeMd(step.message)}`, '');
    for (const statement of step.planned.description.sql)
      lines.push('```sql', `-- ${statement.dialect}`, statement.text, '```', '');
    if (step.planned.description.diff)
      lines.push('```diff', step.planned.description.diff.unified.trimEnd(), '```', '');
    const command = step.planned.description.command;
    if (command) lines.push('```', [command.program, ...command.args].join(' '), '```', '');
    for (const event of step.events) lines.push(`- ${event.at}: ${escapeMd(event.what)}`);
    for (const log of step.logs) lines.push(`    ${log}`);
    lines.push('');
  });
  lines.push(
    '## Journal',
    '',
    `- Path: \`${report.journal.path}\``,
    `- Entries: ${report.journal.entries}`,
    `- Final hash (SHA-256): \`${report.journal.finalHash}\``,
    `- Signed by this installation's journal key: \`${report.journal.signedBy}\` (${JOURNAL_SEAL_MEANING})`,
    `- Report generated: ${report.generatedAt}`,
    '',
  );
  return lines.join('\n');
}

function hostLines(hosts: NonNullable<ReportData['hosts']>): string[] {
  return [
    '## Hosts',
    '',
    '| Host | State | Steps done | Last step | Message |',
    '|---|---|---|---|---|',
    ...hosts.map(
      (host) =>
        `| ${cell(host.host)} | ${HOST_STATE_WORDS[host.state]} | ${host.stepsDone}/${host.stepsTotal} | ${cell(host.activity ?? '')} | ${cell(host.message ?? '')} |`,
    ),
    '',
  ];
}

function outageLines(outage: NonNullable<ReportData['outage']>): string[] {
  const lines = [
    '## Outage window',
    '',
    `- **Impact:** ${escapeMd(outage.impact)}`,
    `- **Spans:** ${outage.stepIds.length} step${outage.stepIds.length === 1 ? '' : 's'} (${outage.stepIds.map((id) => `\`${id}\``).join(', ')})`,
    `- **State:** ${outage.state}`,
  ];
  if (outage.openedAt) lines.push(`- **Opened:** ${outage.openedAt}`);
  if (outage.closedAt) lines.push(`- **Closed:** ${outage.closedAt}`);
  lines.push(
    outage.state === 'pending'
      ? `- **Time down:** none (expected about ${outage.expectedMinutes} min)`
      : `- **Time down${outage.state === 'open' ? ' so far (still open)' : ''}:** ${formatTimeDown(outage.downMs, outage.expectedMinutes)}`,
    '',
  );
  return lines;
}

function waysOut(report: ReportData): string[] {
  const attention = report.attention;
  if (!attention) return [];
  const lines: string[] = [];
  if (report.needsAttention)
    lines.push(
      '## NEEDS ATTENTION',
      '',
      'This run left what must not stay, or is not finished:',
      '',
      ...report.attentionLines.map((line) => `- **${escapeMd(line)}**`),
      '',
    );
  const way = (title: string, command: string, w: typeof attention.resume) =>
    w.available
      ? [
          `**${title}** (\`${command} ${report.runId}\`):`,
          '',
          ...w.steps.map((step) => `1. ${escapeMd(step.title)}: ${escapeMd(step.does)}`),
          '',
        ]
      : [`**${title}:** not possible — ${escapeMd(w.reason ?? '')}`, ''];
  lines.push(
    '## Ways out',
    '',
    ...way('Forward', 'breakglass resume', attention.resume),
    ...way('Back', 'breakglass rollback', attention.rollback),
  );
  return lines;
}

function escapeMd(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function cell(text: string): string {
  return escapeMd(text).replace(/\r?\n/g, ' ');
}
