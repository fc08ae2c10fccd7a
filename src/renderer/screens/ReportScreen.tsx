import type { ReportFormat } from '../../shared/procedure.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { useShownRun } from '../state/hooks.js';

const FORMATS: Array<{ format: ReportFormat; label: string }> = [
  { format: 'md', label: 'Markdown' },
  { format: 'html', label: 'HTML' },
  { format: 'json', label: 'JSON' },
];

/** The run's report to keep: downloads in three formats, and where the journal is. */
export function ReportScreen() {
  const run = useShownRun();
  if (!run) return <p className="loading">Loading the run…</p>;
  return (
    <section data-testid="screen-report">
      <ScreenHeading>Report: {run.title}</ScreenHeading>
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
