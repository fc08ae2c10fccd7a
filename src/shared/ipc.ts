/**
 * The one IPC contract: every channel the renderer may invoke, with its request and response
 * schemas, and every event main may push. The Electron router, the preload bridge and the
 * loopback web host all take their channel list from here and validate both directions.
 */
import { z } from 'zod';
import {
  Decision,
  DiscoveryReport,
  EnvironmentKind,
  PlanView,
  ProcedureSummary,
  ReportFormat,
  RollbackPlan,
  RunEvent,
  RunSummary,
  RunView,
  SystemSummary,
} from './procedure.js';

export const PasswordPolicyName = z.enum(['default', 'sqlserver', 'oracle', 'typeable']);
export type PasswordPolicyName = z.infer<typeof PasswordPolicyName>;

export const channels = {
  'app.info': {
    request: z.object({}),
    response: z.object({
      name: z.string(),
      version: z.string(),
      platform: z.string(),
      transport: z.enum(['electron', 'web']),
      dataDir: z.string(),
      /** True when nothing real is configured and the practice sandbox is offered first. */
      sandboxSuggested: z.boolean(),
    }),
  },
  'procedures.list': {
    request: z.object({}),
    response: z.object({ procedures: z.array(ProcedureSummary), systems: z.array(SystemSummary) }),
  },
  'password.generate': {
    request: z.object({
      policy: PasswordPolicyName.default('default'),
      length: z.number().int().min(8).max(256).optional(),
    }),
    response: z.object({ password: z.string(), entropyBits: z.number() }),
  },
  'discover.run': {
    request: z.object({
      system: z.string(),
      options: z.record(z.string(), z.unknown()).default({}),
      environment: EnvironmentKind.default('real'),
    }),
    response: DiscoveryReport,
  },
  'plan.create': {
    request: z.object({ procedureId: z.string(), inputs: z.unknown(), environment: EnvironmentKind }),
    response: PlanView,
  },
  'run.start': {
    request: z.object({ planId: z.string() }),
    response: RunView,
  },
  'run.respond': {
    request: z.object({ runId: z.string(), promptId: z.string(), decision: Decision }),
    response: RunView,
  },
  'run.get': {
    request: z.object({ runId: z.string() }),
    response: RunView,
  },
  'runs.list': {
    request: z.object({}),
    response: z.object({ runs: z.array(RunSummary) }),
  },
  'run.resume': {
    request: z.object({ runId: z.string(), secrets: z.record(z.string(), z.string()).default({}) }),
    response: RunView,
  },
  /** What undoing the run (stopped, or succeeded) would do, each undo checked against the state now; changes nothing. `secrets`: the run's `secretFields`. */
  'run.rollbackPlan': {
    request: z.object({ runId: z.string(), secrets: z.record(z.string(), z.string()).default({}) }),
    response: RollbackPlan,
  },
  /** Undoes the run (refused with the reason when its plan is not available); goes on in the background like `run.resume`. */
  'run.rollback': {
    request: z.object({ runId: z.string(), secrets: z.record(z.string(), z.string()).default({}) }),
    response: RunView,
  },
  'report.export': {
    request: z.object({ runId: z.string(), format: ReportFormat }),
    response: z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  },
} as const;

export type Channel = keyof typeof channels;
export const channelNames = Object.keys(channels) as Channel[];
export type Request<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type Response<C extends Channel> = z.output<(typeof channels)[C]['response']>;

export const events = {
  'run.event': RunEvent,
} as const;
export type EventName = keyof typeof events;
export const eventNames = Object.keys(events) as EventName[];
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const ErrorCode = z.enum([
  'bad-request',
  'unknown-channel',
  'forbidden',
  'not-found',
  'invalid-input',
  'refused',
  'conflict',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** The renderer's view of whichever transport carries the contract (preload bridge or WebSocket). */
export interface Transport {
  invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Response<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
