import type { SystemSummary } from '../../shared/procedure.js';
import { client } from '../state/client.js';
import { useSession } from '../state/session-store.js';
import { FactList } from './FactList.js';

/** "What is on this machine?" for one system: its discovery report, read only, on request. */
export function DiscoveryPanel({ system }: { system: SystemSummary }) {
  const report = useSession((state) => state.discoveries[system.id]);
  const busy = useSession((state) => state.busy);
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
      {report ? (
        <div className="discovery-report" data-testid={`discovery-report-${system.id}`}>
          <h3>{report.title}</h3>
          {report.sections.map((section) => (
            <section key={section.title}>
              <h4>{section.title}</h4>
              <FactList facts={section.facts} />
            </section>
          ))}
        </div>
      ) : null}
    </div>
  );
}
