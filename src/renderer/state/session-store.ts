/** The connection and what it told us: app info, the procedures, discovery reports; whether a call is going on and its last error. */
import { create } from 'zustand';
import type { Response, Transport } from '../../shared/ipc.js';
import type { DiscoveryReport, ProcedureSummary, SystemSummary } from '../../shared/procedure.js';

export type AppInfo = Response<'app.info'>;

export interface SessionState {
  transport?: Transport;
  connectError?: string;
  appInfo?: AppInfo;
  procedures?: ProcedureSummary[];
  systems?: SystemSummary[];
  /** The last discovery report asked for on the first screen, per system. */
  discoveries: Record<string, DiscoveryReport>;
  /** The system whose discovery is going on (it takes seconds). */
  discovering?: string;
  busy: boolean;
  /** The last failed call's message (it names the field and the fix). */
  error?: string;
  /** A note about where the admin landed (e.g. the form came back after a reload, without its secrets). */
  notice?: string;
}

export const useSession = create<SessionState>()(() => ({ discoveries: {}, busy: false }));

export function procedureById(id: string | undefined): ProcedureSummary | undefined {
  return id ? useSession.getState().procedures?.find((procedure) => procedure.id === id) : undefined;
}
