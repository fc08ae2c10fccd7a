/** The connection and what it told us: app info, the procedures, discovery reports; whether a call is going on and its last error. */
import { create } from 'zustand';
import type { Response, Transport } from '../../shared/ipc.js';
import type {
  DiscoveryReport,
  EnvironmentKind,
  ProcedureSummary,
  SystemSummary,
} from '../../shared/procedure.js';

export type AppInfo = Response<'app.info'>;

export interface SessionState {
  transport?: Transport;
  connectError?: string;
  appInfo?: AppInfo;
  procedures?: ProcedureSummary[];
  systems?: SystemSummary[];
  /** The last discovery report asked for on the first screen, per system, and where it looked. */
  discoveries: Record<string, DiscoveryReport & { environment: EnvironmentKind; folder?: string }>;
  /** The discovery going on (it takes seconds): which system, where, since when. */
  discovering?: { system: string; environment: EnvironmentKind; since: number };
  /** A discovery refused for want of its folder (the engine's message), per system: the panel asks for the folder. */
  discoveryProblems: Record<string, string>;
  busy: boolean;
  /** The call going on (channel) and since when: one that takes over a second shows progress. */
  working?: { channel: string; since: number };
  /** The last failed call's message (it names the field and the fix). */
  error?: string;
  /** The engine's refusal of a run's secret (resume, undo), shown beside that field of the run's secrets form. */
  secretRefusal?: { runId: string; path: string; text: string };
  /** A note about where the admin landed (e.g. the form came back after a reload, without its secrets). */
  notice?: string;
}

export const useSession = create<SessionState>()(() => ({
  discoveries: {},
  discoveryProblems: {},
  busy: false,
}));

export function procedureById(id: string | undefined): ProcedureSummary | undefined {
  return id ? useSession.getState().procedures?.find((procedure) => procedure.id === id) : undefined;
}
