import type { ProcedureSummary } from '../../shared/procedure.js';
import { useWizard } from '../state/wizard-store.js';

/** "What do you need to recover?": every procedure, grouped by system. */
export function ChooseScreen() {
  const procedures = useWizard((state) => state.procedures);
  const choose = useWizard((state) => state.choose);
  if (!procedures) return <p className="loading">Loading procedures…</p>;
  const bySystem = new Map<string, ProcedureSummary[]>();
  for (const procedure of procedures) bySystem.set(procedure.system, [...(bySystem.get(procedure.system) ?? []), procedure]);
  return (
    <section data-testid="screen-choose">
      <h1>What do you need to recover?</h1>
      {procedures.length === 0 ? <p data-testid="no-procedures">No procedures are available in this build.</p> : null}
      {[...bySystem].map(([system, items]) => (
        <section key={system} className="system-group" data-testid={`procedure-group-${system}`}>
          <h2>{systemTitle(system)}</h2>
          <ul className="procedure-list">
            {items.map((procedure) => (
              <li key={procedure.id}>
                <button type="button" className="procedure-card" data-testid={`procedure-${procedure.id}`} onClick={() => choose(procedure)}>
                  <span className="procedure-title">{procedure.title}</span>
                  <span className="procedure-summary">{procedure.summary}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

const SYSTEM_TITLES: Record<string, string> = {
  outsystems: 'OutSystems 11',
  synapse: 'Matrix Synapse',
  sysreptor: 'SysReptor',
  authgear: 'Authgear',
};

function systemTitle(system: string): string {
  return SYSTEM_TITLES[system] ?? system;
}
