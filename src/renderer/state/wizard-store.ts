/**
 * The wizard's state and the calls that move it: choose → inputs → plan → run → report, plus
 * the runs list. Every call goes through the Transport; errors land in `error` as shown text.
 */
import { create } from 'zustand';
import type { Channel, Request, Response, Transport } from '../../shared/ipc.js';
import type {
  Decision,
  DiscoveryReport,
  EnvironmentKind,
  PlanView,
  ProcedureSummary,
  ReportFormat,
  RunSummary,
  RunView,
  SystemSummary,
} from '../../shared/procedure.js';
import { initialValue, withoutEmpty, type JsonSchema } from '../form/json-schema.js';

export type Screen = 'choose' | 'inputs' | 'plan' | 'run' | 'report' | 'runs';
export type AppInfo = Response<'app.info'>;
export type ExportedReport = Response<'report.export'>;

export interface WizardState {
  transport?: Transport;
  connectError?: string;
  appInfo?: AppInfo;
  procedures?: ProcedureSummary[];
  systems?: SystemSummary[];
  /** The last discovery report asked for on the first screen, per system. */
  discoveries: Record<string, DiscoveryReport>;
  screen: Screen;
  procedure?: ProcedureSummary;
  environment: EnvironmentKind;
  inputs: Record<string, unknown>;
  plan?: PlanView;
  /** The run on the run screen: always the newest view of it seen (highest `revision`). */
  run?: RunView;
  /** The newest view of every run heard of in this session, by run id: events can arrive before the reply that names the run. */
  runViews: Record<string, RunView>;
  runs?: RunSummary[];
  busy: boolean;
  error?: string;

  connect(transport: Transport): Promise<void>;
  failConnect(message: string): void;
  discover(systemId: string, environment: EnvironmentKind): Promise<void>;
  choose(procedure: ProcedureSummary): void;
  setEnvironment(environment: EnvironmentKind): void;
  /** A value, or an update of the latest inputs (so an edit made while a Generate was awaited is kept). */
  setInputs(
    inputs: Record<string, unknown> | ((previous: Record<string, unknown>) => Record<string, unknown>),
  ): void;
  createPlan(): Promise<void>;
  startRun(): Promise<void>;
  respond(decision: Decision): Promise<void>;
  showReport(): void;
  exportReport(format: ReportFormat): Promise<ExportedReport | undefined>;
  generatePassword(policy: Request<'password.generate'>['policy']): Promise<string | undefined>;
  openRuns(): Promise<void>;
  /** Shows a run again (e.g. one still waiting on a prompt after New recovery or Runs) through `run.get`. */
  openRun(runId: string): Promise<void>;
  resume(runId: string, secrets: Record<string, string>): Promise<void>;
  restart(): void;
  dismissError(): void;
}

export const useWizard = create<WizardState>()((set, get) => {
  /** Invokes a channel; on failure records the message (it already names the field and the fix) and returns undefined. */
  async function call<C extends Channel>(channel: C, request: Request<C>): Promise<Response<C> | undefined> {
    const transport = get().transport;
    if (!transport) return undefined;
    set({ busy: true, error: undefined });
    try {
      const result = await transport.invoke(channel, request);
      if (result.ok) return result.value;
      set({ error: result.message });
      return undefined;
    } finally {
      set({ busy: false });
    }
  }

  /** Records a view and returns the newest one known for its run (an older view never replaces a newer one). */
  function remember(view: RunView): RunView {
    const newest = newerRunView(get().runViews[view.runId], view);
    if (newest === view) set({ runViews: { ...get().runViews, [view.runId]: view } });
    return newest;
  }

  /** Shows a run (from a reply): the newest view known for it, which may be an event that overtook the reply. */
  function show(view: RunView, extra: Partial<WizardState> = {}): void {
    set({ ...extra, run: remember(view) });
  }

  return {
    screen: 'choose',
    runViews: {},
    environment: 'sandbox',
    inputs: {},
    discoveries: {},
    busy: false,

    async connect(transport) {
      set({ transport });
      transport.on('run.event', (payload) => {
        const newest = remember(payload.run);
        if (get().run?.runId === newest.runId && newest !== get().run) set({ run: newest });
      });
      const info = await call('app.info', {});
      const list = await call('procedures.list', {});
      set({
        appInfo: info,
        procedures: list?.procedures ?? [],
        systems: list?.systems ?? [],
        environment: info && !info.sandboxSuggested ? 'real' : 'sandbox',
      });
    },
    failConnect(message) {
      set({ connectError: message });
    },
    async discover(systemId, environment) {
      const report = await call('discover.run', { system: systemId, options: {}, environment });
      if (report) set({ discoveries: { ...get().discoveries, [systemId]: report } });
    },
    choose(procedure) {
      const inputs = initialValue(procedure.inputSchema as JsonSchema, procedure.inputSchema as JsonSchema);
      set({
        procedure,
        inputs: (inputs as Record<string, unknown>) ?? {},
        plan: undefined,
        run: undefined,
        error: undefined,
        screen: 'inputs',
      });
    },
    setEnvironment(environment) {
      set({ environment });
    },
    setInputs(inputs) {
      set({ inputs: typeof inputs === 'function' ? inputs(get().inputs) : inputs });
    },
    async createPlan() {
      const { procedure, inputs, environment } = get();
      if (!procedure) return;
      const plan = await call('plan.create', {
        procedureId: procedure.id,
        inputs: withoutEmpty(inputs) ?? {},
        environment,
      });
      if (plan) set({ plan, screen: 'plan' });
    },
    async startRun() {
      const plan = get().plan;
      if (!plan) return;
      const run = await call('run.start', { planId: plan.planId });
      if (run) show(run, { screen: 'run' });
    },
    async respond(decision) {
      const run = get().run;
      if (!run?.prompt) return;
      const next = await call('run.respond', { runId: run.runId, promptId: run.prompt.id, decision });
      if (next && get().run?.runId === next.runId) show(next);
      else if (next) remember(next);
    },
    showReport() {
      set({ screen: 'report' });
    },
    async exportReport(format) {
      const run = get().run;
      return run ? call('report.export', { runId: run.runId, format }) : undefined;
    },
    async generatePassword(policy) {
      return (await call('password.generate', { policy }))?.password;
    },
    async openRuns() {
      set({ screen: 'runs' });
      const list = await call('runs.list', {});
      if (list) set({ runs: list.runs });
    },
    async openRun(runId) {
      const run = await call('run.get', { runId });
      if (run)
        show(run, {
          screen: 'run',
          procedure: get().procedures?.find((item) => item.id === run.procedureId),
        });
    },
    async resume(runId, secrets) {
      const run = await call('run.resume', { runId, secrets });
      if (run)
        show(run, {
          screen: 'run',
          procedure: get().procedures?.find((item) => item.id === run.procedureId),
        });
    },
    restart() {
      set({
        screen: 'choose',
        procedure: undefined,
        inputs: {},
        plan: undefined,
        run: undefined,
        error: undefined,
      });
    },
    dismissError() {
      set({ error: undefined });
    },
  };
});

/** The newer of two views of the same run: the higher `revision`; on a tie the later one (it cannot be older). */
export function newerRunView(current: RunView | undefined, incoming: RunView): RunView {
  return current && current.runId === incoming.runId && current.revision > incoming.revision
    ? current
    : incoming;
}

/** A run in one of these states will not change any more. */
export function isFinished(run: RunView): boolean {
  return (
    ['succeeded', 'rolled-back', 'cancelled', 'interrupted'].includes(run.state) ||
    (run.state === 'failed' && !run.prompt)
  );
}
