import { formatTimeDown } from '../../../shared/duration.js';
import type { WayOut } from '../../../shared/procedure.js';
import {
  ACTION_WORDS,
  HOST_STATE_WORDS,
  JOURNAL_SEAL_MEANING,
  outcomeWords,
  type ReportData,
} from './report-data.js';

/** The run report as one self-contained HTML page: inline CSS, no script, no external reference. */
export function renderHtml(report: ReportData): string {
  const steps = report.steps
    .map((step, index) => {
      const description = step.planned.description;
      const blocks = [
        ...description.sql.map((statement) => pre(`-- ${statement.dialect}\n${statement.text}`)),
        description.diff ? pre(description.diff.unified) : '',
        description.command ? pre([description.command.program, ...description.command.args].join(' ')) : '',
      ].join('');
      const events = step.events
        .map((event) => `<li><time>${esc(event.at)}</time> ${esc(event.what)}</li>`)
        .join('');
      const logs = step.logs.length > 0 ? pre(step.logs.join('\n')) : '';
      const phase = report.phases.find((candidate) => candidate.stepIds[0] === step.id);
      const phaseHeading =
        phase && report.phases.length > 1
          ? `<h3 class="phase">Phase ${report.phases.indexOf(phase) + 1}: ${esc(phase.title)} <small>${esc(phase.state)}</small></h3>${phase.summary ? `<p>${esc(phase.summary)}</p>` : ''}\n`
          : '';
      return `${phaseHeading}<section class="step ${esc(step.state)}"><h4>${index + 1}. ${esc(step.title)} <small>${esc(step.kind)} · ${esc(step.state)}</small></h4>
<p>${esc(step.summary)}</p>${step.message ? `<p class="message">${esc(step.message)}</p>` : ''}${blocks}<ul>${events}</ul>${logs}</section>`;
    })
    .join('\n');
  const facts = report.facts
    .map(
      (fact) => `<tr><td>${esc(fact.label)}</td><td>${esc(fact.value)}</td><td>${esc(fact.status)}</td></tr>`,
    )
    .join('');
  const people = report.people
    .map(
      (person) =>
        `<li>${ACTION_WORDS[person.action]} by ${esc(person.user)} on ${esc(person.host)} at ${esc(person.at)}</li>`,
    )
    .join('');
  const confirmations =
    report.confirmations.map((gate) => `<li><time>${esc(gate.at)}</time> ${esc(gate.what)}</li>`).join('') ||
    '<li>none</li>';
  const warnings = report.warnings.map((warning) => `<li>${esc(warning)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(report.title)} — run ${esc(report.runId)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.4rem}pre{background:#f3f4f6;padding:.5rem;overflow:auto;white-space:pre-wrap}
table{border-collapse:collapse}td{border:1px solid #ccd;padding:.2rem .5rem}
.step{border-left:4px solid #99a;padding-left:.8rem;margin:1rem 0}.step.done{border-color:#2e7d32}
.step.failed{border-color:#c62828}.step.undone,.step.skipped{border-color:#ef6c00}
.outcome{font-weight:bold}.message{color:#c62828}time{color:#667}
</style></head><body>
<h1>${esc(report.title)} — run ${esc(report.runId)}</h1>
<p class="outcome">Outcome: ${esc(outcomeWords(report))}${report.error ? ` — ${esc(report.error)}` : ''}</p>${report.needsAttention ? `<h2>NEEDS ATTENTION</h2><p>This run left what must not stay, or is not finished:</p><ul>${report.attentionLines.map((line) => `<li><strong>${esc(line)}</strong></li>`).join('')}</ul>` : ''}${report.attention ? `<h2>Ways out</h2>${wayHtml('Forward (breakglass resume)', report.attention.resume)}${wayHtml('Back (breakglass rollback)', report.attention.rollback)}` : ''}
<ul><li>Procedure: ${esc(report.procedureId)} (${esc(report.environment)})</li><li>Target: ${esc(report.target)}</li>
<li>Started ${esc(report.startedAt)}${report.finishedAt ? `, stopped/finished ${esc(report.finishedAt)}` : ''}</li>${people}</ul>
${report.outcome === 'succeeded' && report.afterwards.length > 0 ? `<h2>Next</h2><ul>${report.afterwards.map((line) => `<li>${esc(line)}</li>`).join('')}</ul>` : ''}${facts ? `<h2>Facts</h2><table>${facts}</table>` : ''}${warnings ? `<h2>Warnings</h2><ul>${warnings}</ul>` : ''}
<h2>Confirmations</h2><ul>${confirmations}</ul>
${outageHtml(report)}${hostsHtml(report)}<h2>Steps</h2>
${steps}
<h2>Journal</h2><ul><li>Path: <code>${esc(report.journal.path)}</code></li><li>Entries: ${report.journal.entries}</li>
<li>Final hash (SHA-256): <code>${esc(report.journal.finalHash)}</code></li><li>Signed by this installation's journal key: <code>${esc(report.journal.signedBy)}</code> (${esc(JOURNAL_SEAL_MEANING)})</li><li>Report generated ${esc(report.generatedAt)}</li></ul>
</body></html>
`;
}

function hostsHtml(report: ReportData): string {
  if (!report.hosts) return '';
  const rows = report.hosts
    .map(
      (host) =>
        `<tr><td>${esc(host.host)}</td><td>${esc(HOST_STATE_WORDS[host.state])}</td><td>${host.stepsDone}/${host.stepsTotal}</td><td>${esc(host.activity ?? '')}</td><td>${esc(host.message ?? '')}</td></tr>`,
    )
    .join('');
  return `<h2>Hosts</h2><table><tr><th>Host</th><th>State</th><th>Steps done</th><th>Last step</th><th>Message</th></tr>${rows}</table>\n`;
}

function outageHtml(report: Parameters<typeof renderHtml>[0]): string {
  const outage = report.outage;
  if (!outage) return '';
  const down =
    outage.state === 'pending'
      ? `none (expected about ${outage.expectedMinutes} min)`
      : `${formatTimeDown(outage.downMs, outage.expectedMinutes)}${outage.state === 'open' ? ' so far — still open' : ''}`;
  return `<h2>Outage window</h2><ul><li>Impact: ${esc(outage.impact)}</li><li>Spans ${outage.stepIds.length} steps: ${outage.stepIds.map((id) => `<code>${esc(id)}</code>`).join(', ')}</li><li>State: ${esc(outage.state)}</li>${outage.openedAt ? `<li>Opened ${esc(outage.openedAt)}</li>` : ''}${outage.closedAt ? `<li>Closed ${esc(outage.closedAt)}</li>` : ''}<li class="outcome">Time down: ${esc(down)}</li></ul>
`;
}

function pre(text: string): string {
  return `<pre>${esc(text)}</pre>`;
}

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function wayHtml(title: string, way: WayOut): string {
  if (!way.available) return `<p>${esc(title)}: not possible — ${esc(way.reason ?? '')}</p>`;
  return `<p>${esc(title)}:</p><ol>${way.steps.map((step) => `<li>${esc(step.title)}: ${esc(step.does)}</li>`).join('')}</ol>`;
}
