import { useState } from 'react';
import type { DiscoveryReport, SystemSummary } from '../../shared/procedure.js';
import { client } from '../state/client.js';
import { useSession } from '../state/session-store.js';
import { useNow } from '../state/use-now.js';
import { FactList } from './FactList.js';

/** One line for the whole report: found (maybe with things to check), or not found and what to do instead. */
export function discoveryVerdict(
  report: DiscoveryReport,
  canChooseFolder: boolean,
): { found: boolean; text: string } {
  const facts = report.sections.flatMap((section) => section.facts);
  const warnings = facts.filter((fact) => fact.status === 'warn').length;
  if (facts.some((fact) => fact.status === 'error'))
    return {
      found: false,
      text: `No usable ${report.title} install found here — use the practice sandbox${canChooseFolder ? ', or choose its folder' : ''}.`,
    };
  return {
    found: true,
    text: `${report.title} found${warnings > 0 ? ` — ${warnings} thing${warnings === 1 ? '' : 's'} to check below` : ''}.`,
  };
}

/** "What is on this machine?" for one system: its discovery report, read only, on request, with progress while it looks. */
export function DiscoveryPanel({ system }: { system: SystemSummary }) {
  const report = useSession((state) => state.discoveries[system.id]);
  const problem = useSession((state) => state.discoveryProblems[system.id]);
  const running = useSession((state) =>
    state.discovering?.system === system.id ? state.discovering : undefined,
  );
  const busy = useSession((state) => state.busy);
  const now = useNow(running !== undefined, 500);
  const [folder, setFolder] = useState(report?.folder ?? '');
  const verdict = report ? discoveryVerdict(report, system.discoveryFolder !== undefined) : undefined;
  const askFolder =
    system.discoveryFolder !== undefined && (problem !== undefined || (verdict && !verdict.found));
  const folderId = `discovery-folder-${system.id}`;
  const sections = report?.sections.map((section) => (
    <section key={section.title}>
      <h4>{section.title}</h4>
      <FactList facts={section.facts} />
    </section>
  ));
  const folderForm =
    askFolder && system.discoveryFolder ? (
      <form
        className="discovery-folder"
        data-testid={`discovery-folder-form-${system.id}`}
        onSubmit={(event) => {
          event.preventDefault();
          void client.discover(system.id, 'real', folder.trim());
        }}
      >
        <div className="field">
          <label htmlFor={folderId}>{system.discoveryFolder.label}</label>
          <input
            id={folderId}
            type="text"
            value={folder}
            spellCheck={false}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${folderId}-error` : undefined}
            data-testid={`discovery-folder-${system.id}`}
            onChange={(event) => setFolder(event.target.value)}
          />
          {problem ? (
            <p
              className="field-error"
              id={`${folderId}-error`}
              data-testid={`discovery-problem-${system.id}`}
            >
              {problem}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={busy || folder.trim() === ''}>
          Check this folder
        </button>
      </form>
    ) : null;
  return (
    <div className="discovery" data-testid={`discovery-${system.id}`}>
      <div className="discovery-actions">
        <span>Before you choose: what is installed?</span>
        <button
          type="button"
          disabled={busy}
          data-testid={`discover-${system.id}-real`}
          onClick={() => void client.discover(system.id, 'real')}
        >
          Check this server
        </button>
        <button
          type="button"
          disabled={busy}
          data-testid={`discover-${system.id}-sandbox`}
          onClick={() => void client.discover(system.id, 'sandbox')}
        >
          Check the practice sandbox
        </button>
      </div>
      {running ? (
        <div className="discovery-progress" role="status" data-testid={`discovery-progress-${system.id}`}>
          <progress aria-label="Looking" />
          Looking at {running.environment === 'sandbox' ? 'the practice sandbox' : 'this server'}… (
          {Math.max(0, Math.floor((now - running.since) / 1000))} s; it only reads)
        </div>
      ) : null}
      {!report ? folderForm : null}
      {report && verdict ? (
        <div className="discovery-report" data-testid={`discovery-report-${system.id}`}>
          <h3>
            {report.title}
            <span className="discovery-where">
              {' '}
              — {report.environment === 'sandbox' ? 'practice sandbox' : (report.folder ?? 'this server')}
            </span>
          </h3>
          <p
            className={`discovery-verdict ${verdict.found ? 'found' : 'missing'}`}
            data-testid={`discovery-verdict-${system.id}`}
            data-found={verdict.found}
          >
            {verdict.text}
          </p>
          {folderForm}
          {verdict.found ? (
            sections
          ) : (
            <details>
              <summary>What was checked</summary>
              {sections}
            </details>
          )}
        </div>
      ) : null}
    </div>
  );
}
