import type { ProcedureSummary, SystemSummary } from '../../shared/procedure.js';
import { DiscoveryPanel } from '../components/DiscoveryPanel.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { useSession } from '../state/session-store.js';

/** "What do you need to recover?": every procedure, grouped by system, with each system's discovery. */
export function ChooseScreen() {
  const procedures = useSession((state) => state.procedures);
  const systems = useSession((state) => state.systems);
  if (!procedures) return <p className="loading">Loading procedures…</p>;
  const bySystem = new Map<string, ProcedureSummary[]>();
  for (const procedure of procedures)
    bySystem.set(procedure.system, [...(bySystem.get(procedure.system) ?? []), procedure]);
  return (
    <section data-testid="screen-choose">
      <ScreenHeading>What do you need to recover?</ScreenHeading>
      {procedures.length === 0 ? (
        <p data-testid="no-procedures">No procedures are available in this build.</p>
      ) : null}
      {[...bySystem].map(([system, items]) => (
        <SystemGroup
          key={system}
          systemId={system}
          system={systems?.find((candidate) => candidate.id === system)}
          procedures={items}
        />
      ))}
    </section>
  );
}

function SystemGroup({
  systemId,
  system,
  procedures,
}: {
  systemId: string;
  system?: SystemSummary;
  procedures: ProcedureSummary[];
}) {
  return (
    <section className="system-group" data-testid={`procedure-group-${systemId}`}>
      <h2>{system?.title ?? systemId}</h2>
      {system?.hasDiscovery ? <DiscoveryPanel system={system} /> : null}
      <ul className="procedure-list">
        {procedures.map((procedure) => (
          <li key={procedure.id}>
            <button
              type="button"
              className="procedure-card"
              data-testid={`procedure-${procedure.id}`}
              onClick={() => client.choose(procedure)}
            >
              <span className="procedure-title">{procedure.title}</span>
              <span className="procedure-summary">{procedure.summary}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
