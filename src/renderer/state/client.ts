/**
 * The one client: every call to the Transport and every move between screens goes through here,
 * and it keeps the stores (session, navigation, form, runs) in step. Components read the stores
 * and call these functions; nothing else writes the stores.
 */
import type { Channel, Request, Response, Transport } from '../../shared/ipc.js';
import type {
  Decision,
  EnvironmentKind,
  ProcedureSummary,
  ReportFormat,
  RunSummary,
  RunView,
} from '../../shared/procedure.js';
import { fieldId } from '../form/field-props.js';
import { initialValue, withoutEmpty, type JsonSchema } from '../form/json-schema.js';
import { labelAt, validateForm, type FieldErrors } from '../form/validate.js';
import { EMPTY_FORM_CHECKS, persistForm, storedForm, useForm, type FormState } from './form-store.js';
import { followHistory, HOME, navigate, routeFromHash, useNavigation, type Route } from './navigation.js';
import { rememberList, rememberRun, useRuns } from './run-store.js';
import { procedureById, useSession } from './session-store.js';

export type ExportedReport = Response<'report.export'>;

/** Invokes a channel; on failure records the message (it already names the field and the fix) and returns undefined. */
async function call<C extends Channel>(channel: C, request: Request<C>): Promise<Response<C> | undefined> {
  const transport = useSession.getState().transport;
  if (!transport) return undefined;
  useSession.setState({ busy: true, error: undefined, working: { channel, since: Date.now() } });
  try {
    const result = await transport.invoke(channel, request);
    if (result.ok) return result.value;
    useSession.setState({ error: result.message });
    return undefined;
  } finally {
    useSession.setState({ busy: false, working: undefined });
  }
}

/** Invokes a channel without touching busy/error (background refreshes the admin did not ask for). */
async function quietly<C extends Channel>(channel: C, request: Request<C>): Promise<Response<C> | undefined> {
  const result = await useSession.getState().transport?.invoke(channel, request);
  return result?.ok ? result.value : undefined;
}

function schemaOf(procedure: ProcedureSummary): JsonSchema {
  return procedure.inputSchema as JsonSchema;
}

/** Starts the form for a procedure: the form kept before a reload (no secrets), else the schema's starting values. */
function prepareForm(procedure: ProcedureSummary, options: { restore: boolean }): boolean {
  const stored = options.restore ? storedForm(procedure.id) : undefined;
  const inputs =
    stored?.inputs ?? (initialValue(schemaOf(procedure), schemaOf(procedure)) as Record<string, unknown>);
  useForm.setState({
    ...EMPTY_FORM_CHECKS,
    clientErrors: validateForm(schemaOf(procedure), inputs ?? {}),
    procedureId: procedure.id,
    inputs: inputs ?? {},
    environment: stored?.environment ?? useForm.getState().environment,
    // A plan not yet started needs its secrets again (the form lost them), so only a started one comes back.
    plan: stored?.startedRunId ? stored.plan : undefined,
    startedRunId: stored?.plan ? stored.startedRunId : undefined,
  });
  return stored !== undefined;
}

const RESTORED_NOTICE =
  'The form is back as you left it. Passwords and keys are never kept, so type them again.';

/** Loads what a route names (after a reload, Back or a typed address); corrects routes that cannot be shown. */
async function arrive(route: Route): Promise<void> {
  useSession.setState({ notice: undefined, error: undefined, secretRefusal: undefined });
  const form = useForm.getState();
  switch (route.screen) {
    case 'inputs':
    case 'plan': {
      const procedure = procedureById(route.procedureId);
      if (!procedure) return navigate(HOME, { replace: true });
      if (form.procedureId !== procedure.id) {
        const restored = prepareForm(procedure, { restore: true });
        if (restored && !useForm.getState().plan) useSession.setState({ notice: RESTORED_NOTICE });
      }
      // A plan not started is made again after a reload (its secrets were not kept): back to the form.
      if (route.screen === 'plan' && useForm.getState().plan?.procedureId !== procedure.id)
        navigate({ screen: 'inputs', procedureId: procedure.id }, { replace: true });
      return;
    }
    case 'run':
    case 'report': {
      if (useRuns.getState().views[route.runId]) return;
      const run = await call('run.get', { runId: route.runId });
      if (run) rememberRun(run);
      else navigate({ screen: 'runs' }, { replace: true });
      return;
    }
    case 'undo': {
      if (!useRuns.getState().views[route.runId]) {
        const run = await call('run.get', { runId: route.runId });
        if (!run) return navigate({ screen: 'runs' }, { replace: true });
        rememberRun(run);
      }
      if (!summaryOf(route.runId)) await refreshRuns();
      const known = secretsKnown(route.runId);
      if (known) await checkUndo(route.runId, known);
      return;
    }
    case 'runs':
      await refreshRuns();
      return fetchListedViews();
    case 'choose':
      return;
  }
}

async function refreshRuns(): Promise<void> {
  const list = await call('runs.list', {});
  if (list) rememberList(list.runs);
}

/** The newest runs' views, for what the list does not carry (environment, whether they changed anything); a view whose state the list has passed is fetched again. */
async function fetchListedViews(): Promise<void> {
  const { list, views } = useRuns.getState();
  const missing = [...(list ?? [])]
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, LISTED_VIEWS)
    .filter((run) => views[run.runId]?.state !== run.state);
  for (const run of missing) {
    const view = await quietly('run.get', { runId: run.runId });
    if (view) rememberRun(view);
  }
}
const LISTED_VIEWS = 50;

function summaryOf(runId: string): RunSummary | undefined {
  return useRuns.getState().list?.find((run) => run.runId === runId);
}

/** A refusal "path: …" naming one of the run's secrets goes beside that field of its secrets form, not in the banner. */
function moveSecretRefusal(runId: string): void {
  const error = useSession.getState().error ?? '';
  const path = summaryOf(runId)?.secretFields.find((field) => error.startsWith(`${field}: `));
  if (!path) return;
  const text = error.slice(path.length + 2);
  useSession.setState({
    error: undefined,
    secretRefusal: { runId, path, text: text.charAt(0).toUpperCase() + text.slice(1) },
  });
}

/** Secrets given for an undo, in memory only, until it is started. */
const undoSecrets = new Map<string, Record<string, string>>();

/**
 * The run's secrets without asking, when none are needed or this session started it from the form
 * (they never left memory); otherwise undefined and the undo screen asks for them.
 */
function secretsKnown(runId: string): Record<string, string> | undefined {
  const paths = summaryOf(runId)?.secretFields;
  if (!paths) return undefined;
  if (paths.length === 0) return {};
  const form = useForm.getState();
  if (form.startedRunId !== runId) return undefined;
  const values = paths.map((path) => [path, valueAt(form.inputs, path)] as const);
  return values.every(([, value]) => typeof value === 'string' && value !== '')
    ? Object.fromEntries(values as Array<readonly [string, string]>)
    : undefined;
}

function valueAt(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      value,
    );
}

/** Asks the engine what undoing the run would do (nothing changes); the secrets are kept for the undo itself. */
async function checkUndo(runId: string, secrets: Record<string, string>): Promise<boolean> {
  useSession.setState({ secretRefusal: undefined });
  const plan = await call('run.rollbackPlan', { runId, secrets });
  if (!plan) {
    moveSecretRefusal(runId);
    return false;
  }
  undoSecrets.set(runId, secrets);
  useRuns.setState({ rollbackPlans: { ...useRuns.getState().rollbackPlans, [runId]: plan } });
  return true;
}

const NOT_STORED =
  'Tick “I stored it somewhere safe” once this generated password is kept where you will find it.';

/** The form's own checks: the schema's rules, and every generated password acknowledged as stored. */
function checkForm(state: Pick<FormState, 'procedureId' | 'inputs' | 'generated'>): FieldErrors {
  const procedure = procedureById(state.procedureId);
  const errors = procedure ? validateForm(schemaOf(procedure), state.inputs) : {};
  for (const [path, { acknowledged }] of Object.entries(state.generated))
    if (!acknowledged && !errors[path]) errors[path] = NOT_STORED;
  return errors;
}

/** Changes the form's checks state and recomputes the form's own checks. */
function updateChecks(change: Partial<FormState>): void {
  const next = { ...useForm.getState(), ...change };
  useForm.setState({ ...change, clientErrors: checkForm(next) });
}

/** An engine refusal "path: message" on a field of the form goes beside that field, as a sentence. */
function fieldOfRefusal(message: string): { path: string; text: string } | undefined {
  const match = /^([A-Za-z0-9_.]+): (.+)$/s.exec(message);
  const procedure = procedureById(useForm.getState().procedureId);
  if (!match?.[1] || !match[2] || !procedure) return undefined;
  const schema = schemaOf(procedure);
  if (!labelAt(schema, schema, match[1], useForm.getState().inputs)) return undefined;
  return { path: match[1], text: match[2].charAt(0).toUpperCase() + match[2].slice(1) };
}

function focusField(path: string): void {
  document.getElementById(fieldId(path))?.focus();
}

/** The run the route shows, if the client has a view of it. */
export function shownRun(): RunView | undefined {
  const route = useNavigation.getState().route;
  return 'runId' in route ? useRuns.getState().views[route.runId] : undefined;
}

export const client = {
  async connect(transport: Transport): Promise<void> {
    useSession.setState({ transport });
    transport.on('run.event', (payload) => void rememberRun(payload.run));
    const info = await call('app.info', {});
    const list = await call('procedures.list', {});
    useSession.setState({
      appInfo: info,
      procedures: list?.procedures ?? [],
      systems: list?.systems ?? [],
    });
    useForm.setState({ environment: info && !info.sandboxSuggested ? 'real' : 'sandbox' });
    persistForm((id) => {
      const procedure = procedureById(id);
      return procedure ? schemaOf(procedure) : undefined;
    });
    useNavigation.setState({ route: routeFromHash(location.hash) });
    followHistory((route) => void arrive(route));
    const runs = await quietly('runs.list', {});
    if (runs) rememberList(runs.runs);
    await arrive(useNavigation.getState().route);
  },
  failConnect(message: string): void {
    useSession.setState({ connectError: message });
  },
  /** What is installed (read only); `folder` goes in the system's folder option. A refusal naming that option goes beside the folder field. */
  async discover(systemId: string, environment: EnvironmentKind, folder?: string): Promise<void> {
    const session = useSession.getState();
    const option = session.systems?.find((system) => system.id === systemId)?.discoveryFolder?.option;
    const options = option && folder ? { [option]: folder } : {};
    const { [systemId]: _was, ...problems } = session.discoveryProblems;
    useSession.setState({
      discovering: { system: systemId, environment, since: Date.now() },
      discoveryProblems: problems,
    });
    try {
      const report = await call('discover.run', { system: systemId, options, environment });
      if (report)
        useSession.setState({
          discoveries: {
            ...useSession.getState().discoveries,
            [systemId]: { ...report, environment, folder },
          },
        });
      const error = useSession.getState().error;
      if (!report && option && error?.startsWith(`${option}: `)) {
        const text = error.slice(option.length + 2);
        useSession.setState({
          error: undefined,
          discoveryProblems: { ...problems, [systemId]: text.charAt(0).toUpperCase() + text.slice(1) },
        });
      }
    } finally {
      useSession.setState({ discovering: undefined });
    }
  },
  choose(procedure: ProcedureSummary): void {
    prepareForm(procedure, { restore: false });
    useSession.setState({ error: undefined, notice: undefined });
    navigate({ screen: 'inputs', procedureId: procedure.id });
  },
  setEnvironment(environment: EnvironmentKind): void {
    useForm.setState({ environment, plan: undefined, startedRunId: undefined });
  },
  /** A value, or an update of the latest inputs (so an edit made while a Generate was awaited is kept). */
  setInputs(
    inputs: Record<string, unknown> | ((previous: Record<string, unknown>) => Record<string, unknown>),
  ): void {
    const next = typeof inputs === 'function' ? inputs(useForm.getState().inputs) : inputs;
    updateChecks({ inputs: next, plan: undefined, startedRunId: undefined, serverErrors: {} });
  },
  /** The admin changed or left a field: its own check shows from now on. */
  touch(path: string): void {
    if (!useForm.getState().touched[path])
      useForm.setState({ touched: { ...useForm.getState().touched, [path]: true } });
  },
  /** A secret field now holds a generated password: it must be acknowledged as stored before the plan. */
  markGenerated(path: string): void {
    updateChecks({ generated: { ...useForm.getState().generated, [path]: { acknowledged: false } } });
  },
  acknowledgeGenerated(path: string, acknowledged: boolean): void {
    if (!useForm.getState().generated[path]) return;
    updateChecks({ generated: { ...useForm.getState().generated, [path]: { acknowledged } } });
  },
  /** The admin typed over a generated password: an ordinary one now. */
  forgetGenerated(path: string): void {
    const { [path]: was, ...rest } = useForm.getState().generated;
    if (was) updateChecks({ generated: rest });
  },
  /** Checks the form, then asks the engine for the plan; problems go beside their fields and the first one takes the focus. */
  async createPlan(): Promise<void> {
    const { procedureId, inputs, environment } = useForm.getState();
    if (!procedureId) return;
    const problems = checkForm(useForm.getState());
    const first = Object.keys(problems)[0];
    if (first) {
      useForm.setState({ submitted: true, clientErrors: problems });
      focusField(first);
      return;
    }
    const plan = await call('plan.create', { procedureId, inputs: withoutEmpty(inputs) ?? {}, environment });
    const refused = plan ? undefined : fieldOfRefusal(useSession.getState().error ?? '');
    if (refused) {
      useSession.setState({ error: undefined });
      useForm.setState({ serverErrors: { [refused.path]: refused.text } });
      focusField(refused.path);
    }
    if (plan) {
      useForm.setState({ plan, startedRunId: undefined });
      navigate({ screen: 'plan', procedureId });
    }
  },
  /** Back from the plan to the form, as it was filled (secrets included: they never left memory). */
  backToInputs(): void {
    const procedureId = useForm.getState().procedureId;
    if (procedureId) navigate({ screen: 'inputs', procedureId });
  },
  async startRun(): Promise<void> {
    const plan = useForm.getState().plan;
    if (!plan) return;
    const run = await call('run.start', { planId: plan.planId });
    if (run) {
      rememberRun(run);
      useForm.setState({ startedRunId: run.runId });
      navigate({ screen: 'run', runId: run.runId });
    }
  },
  async respond(decision: Decision): Promise<void> {
    const run = shownRun();
    if (!run?.prompt) return;
    const next = await call('run.respond', { runId: run.runId, promptId: run.prompt.id, decision });
    if (next) rememberRun(next);
  },
  showReport(): void {
    const run = shownRun();
    if (run) navigate({ screen: 'report', runId: run.runId });
  },
  async exportReport(format: ReportFormat): Promise<ExportedReport | undefined> {
    const run = shownRun();
    return run ? call('report.export', { runId: run.runId, format }) : undefined;
  },
  async generatePassword(policy: Request<'password.generate'>['policy']): Promise<string | undefined> {
    return (await call('password.generate', { policy }))?.password;
  },
  openRuns(): void {
    const already = useNavigation.getState().route.screen === 'runs';
    navigate({ screen: 'runs' });
    if (already) void refreshRuns().then(fetchListedViews);
    else void arrive({ screen: 'runs' });
  },
  /** Shows a run again (e.g. one still waiting on a prompt after New recovery, Runs or a reload) through `run.get`. */
  async openRun(runId: string): Promise<void> {
    const run = await call('run.get', { runId });
    if (run) {
      rememberRun(run);
      navigate({ screen: 'run', runId });
    }
  },
  async resume(runId: string, secrets: Record<string, string>): Promise<void> {
    useSession.setState({ secretRefusal: undefined });
    const run = await call('run.resume', { runId, secrets });
    if (!run) return moveSecretRefusal(runId);
    rememberRun(run);
    navigate({ screen: 'run', runId: run.runId });
  },
  /** The undo screen of a run: its secrets if needed, then the plan of what will be undone. */
  openUndo(runId: string): void {
    const { [runId]: _old, ...plans } = useRuns.getState().rollbackPlans;
    useRuns.setState({ rollbackPlans: plans });
    undoSecrets.delete(runId);
    const route: Route = { screen: 'undo', runId };
    navigate(route);
    void arrive(route);
  },
  checkUndo,
  refreshRuns,
  /** Runs the checked undo (the engine checks it again) and shows the run as it rolls back. */
  async rollback(runId: string): Promise<void> {
    const run = await call('run.rollback', { runId, secrets: undoSecrets.get(runId) ?? {} });
    if (!run) return;
    undoSecrets.delete(runId);
    const { [runId]: _done, ...plans } = useRuns.getState().rollbackPlans;
    useRuns.setState({ rollbackPlans: plans });
    rememberRun(run);
    navigate({ screen: 'run', runId });
  },
  /** Opens a run's report (from Runs: its view is loaded first). */
  openReport(runId: string): void {
    const route: Route = { screen: 'report', runId };
    navigate(route);
    void arrive(route);
  },
  /** Moves to a route the admin picked (the step rail), loading what it needs. */
  go(route: Route): void {
    navigate(route);
    void arrive(route);
  },
  restart(): void {
    useForm.setState({
      ...EMPTY_FORM_CHECKS,
      procedureId: undefined,
      inputs: {},
      plan: undefined,
      startedRunId: undefined,
    });
    useSession.setState({ error: undefined, notice: undefined });
    navigate(HOME);
  },
  dismissError(): void {
    useSession.setState({ error: undefined });
  },
};
