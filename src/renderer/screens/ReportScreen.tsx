import type { ReportFormat } from '../../shared/procedure.js';
import { DoneSummary } from '../components/DoneSummary.js';
import { HostsTable } from '../components/HostsTable.js';
import { OutageStatus } from '../components/OutageStatus.js';
import { RunBanner } from '../components/RunBanner.js';
import { RunOrientation } from '../components/RunOrientation.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { useShownRun } from '../state/hooks.js';

const FORMATS: Array<{ format: ReportFormat; label: string }> = [
  { format: 'md', label: 'Markdown' },
  { format: 'html', label: 'HTML' },
  { format: 'json', label: 'JSON' },
];

const STEP_WORDS = {
  pending: 'Not run',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  undone: 'Undone',
} as const;

/** The run's report on screen (where, state, each host, steps, outage, what changed, undo) and to keep: downloads in three formats, and where the journal is. */
export function ReportScreen() {
  const run = useShownRun();
  if (!run) return <p className="loading">Loading the run…</p>;
  const onHosts = run.steps.some((step) => step.host);
  return (
    <section data-testid="screen-report">
      <ScreenHeading>Report: {run.title}</ScreenHeading>
      <RunOrientation run={run} />
      <RunBanner run={run} />
      <OutageStatus run={run} />
      <HostsTable run={run} showSteps={false} />
      <h2>Steps</h2>
      <table className="report-steps" data-testid="report-steps">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Step</th>
            {onHosts ? <th scope="col">Server</th> : null}
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {run.steps.map((step, index) => (
            <tr key={step.id} className={`report-step ${step.state}`}>
              <td>{index + 1}</td>
              <td>{step.title}</td>
              {onHosts ? <td>{step.host ?? ''}</td> : null}
              <td>{STEP_WORDS[step.state]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <DoneSummary run={run} onReport={false} />
      <h2>Keep the report</h2>
      <div className="actions">
        {FORMATS.map(({ format, label }) => (
          <button
            key={format}
            type="button"
            className="secondary"
            data-testid={`export-${format}`}
            onClick={async () => {
              const report = await client.exportReport(format);
              if (report) download(report.filename, report.mimeType, report.content);
            }}
          >
            Download {label}
          </button>
        ))}
      </div>
      <dl className="facts">
        <div className="fact info">
          <dt>Journal</dt>
          <dd>
            <code data-testid="journal-path">{run.journalPath}</code>
          </dd>
        </div>
        <div className="fact info">
          <dt>Journal hash</dt>
          <dd>
            <code data-testid="journal-hash">{run.journalHash}</code>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function download(filename: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
