/**
 * The procedure model. A procedure turns validated inputs plus discovered facts into a plan of
 * steps; the runner executes the plan with preflight, gates, journal, resume and rollback.
 * The engine knows no system: systems implement these interfaces under src/main/systems/.
 */
import type { z } from 'zod';
import type {
  Compensation,
  DiscoveryReport,
  EnvironmentKind,
  Fact,
  FailureDecision,
  HostProgress,
  StepDescriptionInput,
  StepKind,
} from '../../shared/procedure.js';
import type { DbConnector } from '../platform/db/types.js';
import type { Exec, ExecRequest, ExecResult } from '../platform/exec/types.js';
import type { HttpClient } from '../platform/http/types.js';
import type { ServiceController } from '../platform/services/types.js';
import type { TargetLockDefinition } from './target-lock.js';

/** The adapters a procedure reaches the outside world through; the sandbox swaps in its own. */
export interface Environment {
  readonly kind: EnvironmentKind;
  readonly exec: Exec;
  readonly db: DbConnector;
  /** Windows services on Windows, the simulated controller in the sandbox. */
  readonly services: ServiceController;
  /** HTTP to a product's API (`platform/http`); the sandbox answers from `SystemModule.sandboxHttp`. */
  readonly http: HttpClient;
  /** Sandbox: this system's practice tree (e.g. <sandbox>/outsystems, holding "Platform Server/"). Real: undefined. */
  readonly sandboxRoot?: string;
}

/** Per-run storage of what undo needs: file copies beside the journal, old row values in a 0600 file. */
export interface BackupStore {
  /** Copies the file (if it exists) before it is changed; idempotent: the first copy of a run is kept. */
  saveFile(filePath: string): Promise<void>;
  /** Puts the saved copy back byte for byte (or removes the file if it did not exist before). */
  restoreFile(filePath: string): Promise<void>;
  /** Stores values under a key; idempotent: the first save of a key in a run is kept. */
  saveValues(key: string, values: unknown): Promise<void>;
  loadValues<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores what a step left (the value it wrote, a file's hash), replacing an earlier record: its `checkUndo` compares the state with it. */
  saveResult(key: string, values: unknown): Promise<void>;
  loadResult<T = unknown>(key: string): Promise<T | undefined>;
}

export interface StepContext {
  readonly env: Environment;
  readonly backup: BackupStore;
  /** A progress line for the wizard and CLI; passes through redaction. */
  log(line: string): void;
  /** Registers a value to mask in everything the run writes (e.g. a password read from a file at run time). */
  addSecret(value: string): void;
  /** The step's `host`, when it has one. */
  readonly host?: string;
  /**
   * Shows secrets the admin must keep (e.g. the generated passwords this step fixes for the run)
   * once, in clear, and asks "I have stored them": true when confirmed. Call it from the step that
   * fixes them, so a resume past that step never shows them again. The values must be registered
   * secrets (masked everywhere the run writes); the journal records only that they were shown.
   * Not in a fan-out lane (no one to ask there).
   */
  showOnce(secrets: Array<{ label: string; value: string }>): Promise<boolean>;
  /** Where each host of the plan is (e.g. which a fan-out went on without); empty when no step names a host. */
  hosts(): HostProgress[];
  /** Aborted when the run is stopped from outside (the engine closes): pass it to long calls such as HTTP requests. */
  readonly signal?: AbortSignal;
}

export interface StepDefinition {
  /** Stable within a procedure: the journal and resume match steps by id. */
  id: string;
  kind: StepKind;
  title: string;
  /** What it will do, shown before anything runs. */
  describe(): StepDescriptionInput;
  /**
   * Does it. For `check` and `verify` steps this is the check (throw StepFailure to fail).
   * For `change` steps: idempotent, or guarded so that running it again after a crash is harmless.
   * For `manual` steps: called after the admin confirmed they did it. It checks what the admin did
   * only when `manualCheck` says what it checks; otherwise the step is recorded as "confirmed by
   * the admin (not checked)", and `run` checks only what Breakglass can observe (e.g. the service
   * is up), which is not proof of what the admin did.
   */
  run(ctx: StepContext): Promise<void>;
  /** Manual steps: what `run` really checks after the admin confirms (shown in the prompt and the plan). Leave it out when nothing can be checked. */
  manualCheck?: string;
  /** The change's own outcome check, run right after `run` (e.g. exactly one row; service RUNNING). */
  check?(ctx: StepContext): Promise<void>;
  /** Compensating action, used by rollback in reverse order. */
  undo?(ctx: StepContext): Promise<void>;
  /**
   * Before an undo after the fact (`breakglass rollback`, `run.rollback`; the step is done): throw
   * StepFailure naming what moved on since the run left it (e.g. the row no longer holds the hash
   * it wrote, the file not the hash it wrote; compare with `backup.saveResult`). A later step of
   * the same run may have changed the same state on purpose: check only what no later step
   * changes. Without it, the undo is listed as "not checked".
   */
  checkUndo?(ctx: StepContext): Promise<void>;
  /** This step leaves a state that must not stay (AD off, service stopped) until `restoredBy` or its own undo has run. */
  compensation?: Compensation;
  /** Decisions offered when it fails, besides stopping. Default: retry, rollback, continue (checks: retry). */
  onFailure?: FailureDecision[];
  /** Once this step has run, rollback is no longer possible: afterwards only forward choices (retry, continue, resume) are offered. */
  pointOfNoReturn?: boolean;
  /** The machine it acts on, when the plan spans several (e.g. a front-end's name); its id must still be unique in the plan. */
  host?: string;
  /** A few words for the host's live status while it runs ("copying", "stopping services"); default: the title. */
  activity?: string;
}

export interface Plan {
  /** What the run lock guards, e.g. "outsystems:mssql://db01/outsystems". */
  target: string;
  facts: Fact[];
  warnings: string[];
  /** What the admin does once the run succeeded (e.g. "Log in to Service Center as admin"): the done screen, the CLI and the report say it. */
  afterwards?: string[];
  /** A plan without phases: its steps form one default phase. Give either `steps` or `phases`. */
  steps?: StepDefinition[];
  /** The plan as ordered phases; the run goes through them in order. */
  phases?: PhaseDefinition[];
  outage?: OutageWindowDefinition;
  /** A lock on the target itself, seen by every installation that reaches it (target-lock.ts). */
  targetLock?: TargetLockDefinition;
}

/** A named part of a plan (e.g. "Preflight", "Outage", "Verify"). Phase ids are stable like step ids. */
export interface PhaseDefinition {
  id: string;
  title: string;
  summary?: string;
  steps: StepDefinition[];
  /**
   * Runs the phase per host: its steps (each with a `host`) grouped by host in plan order; the
   * hosts run in parallel, at most `concurrency` at once, each host's steps in order. No manual
   * steps. A failed step ends its host's lane and the others go on. When every lane is over and
   * some failed: `continue` goes on to the next phase (those hosts stay failed and the run needs
   * attention); `ask` asks once: retry the failed hosts, go on without them, roll back or stop.
   */
  fanOut?: { concurrency: number; onHostFailure: 'ask' | 'continue' };
}

/**
 * The one stretch of the plan that takes the system out of service: either a phase or a first and
 * last step. Confirmed once, before its first step (no per-step outage prompts inside it); the run
 * journals when it opens and closes and reports the time down.
 */
export type OutageWindowDefinition = {
  expectedMinutes: number;
  /** What users lose while it is open, e.g. "Nobody can sign in to the app". */
  impact: string;
} & ({ phase: string } | { firstStep: string; lastStep: string });

export interface PlanContext<I> {
  inputs: I;
  env: Environment;
  /** Registers a secret found while planning (e.g. a password read from a config file), masked in the plan and in everything the run writes. */
  addSecret(value: string): void;
}

export interface ProcedureDefinition<Schema extends z.ZodType = z.ZodType> {
  /** `<system>.<action>`, e.g. "outsystems.reset-admin-password". */
  id: string;
  system: string;
  title: string;
  summary: string;
  /** Inputs; mark secret fields with `.meta({ secret: true })`. */
  inputs: Schema;
  /**
   * Discovers facts and returns the plan. Must not change anything. The list of step ids must
   * depend on inputs only (not on state a run changes), so that resume can rebuild the same plan.
   * Throw ProcedureRefusal when the procedure cannot apply (e.g. a cloud install).
   */
  plan(ctx: PlanContext<z.output<Schema>>): Promise<Plan>;
}

/** A step's check or run failed in an expected way; `fix` tells the admin what to do. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** The procedure does not apply here; the message explains what to do instead. */
export class ProcedureRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProcedureRefusal';
  }
}

/** Input that cannot be used; names the field and the fix. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InputError';
  }
}

/** What a system folder exports: its procedures, its discovery, and its part of the practice sandbox. */
/** Options a password scheme may take (`breakglass hash --pepper-file`, `--rounds`). */
export interface PasswordSchemeOptions {
  pepper?: string;
  rounds?: number;
}

/** A product's stored-password format, offline: `breakglass hash <name>` and `hash --verify <name>`. */
export interface PasswordScheme {
  /** Which options it takes, each with what it means for this scheme (shown in the usage). */
  options: Partial<Record<keyof PasswordSchemeOptions, string>>;
  hash(password: string, options: PasswordSchemeOptions): Promise<string>;
  /** Whether the stored value is in a format the scheme knows, and anything the admin should know about it. */
  inspect(stored: string): { recognised: boolean; note?: string };
  verify(password: string, stored: string, options: PasswordSchemeOptions): Promise<boolean>;
}

export interface SystemModule {
  id: string;
  title: string;
  procedures: ProcedureDefinition[];
  /** Its password formats by scheme name (unique across systems), for `breakglass hash`. */
  passwordSchemes?: Record<string, PasswordScheme>;
  discover?(options: Record<string, unknown>, env: Environment): Promise<DiscoveryReport>;
  /** The folder option `discover` accepts (e.g. the install folder), and its label. */
  discoveryFolder?: { option: string; label: string };
  /** True when a real install of this system is found on this machine (then the sandbox is not suggested first). */
  detectRealInstall?(env: Environment): Promise<boolean>;
  /** Seeds this system's practice data into the sandbox database and sandbox file tree. */
  seedSandbox?(sandbox: SandboxSeedContext): Promise<void>;
  /** Programs simulated in the sandbox, by file name (e.g. "ConfigurationTool.com"); the sandbox's Exec runs these instead of spawning. */
  sandboxPrograms?: Record<string, SimulatedProgram>;
  /** HTTP services simulated in the sandbox, by the URL's host (`host[:port]`); the sandbox's HTTP client answers from these and reaches nothing else. */
  sandboxHttp?: Record<string, SimulatedHttpService>;
}

/** A request as a simulated HTTP service sees it: header names lower-cased, the body as text. */
export interface SimulatedHttpRequest {
  method: string;
  url: URL;
  headers: Readonly<Record<string, string>>;
  body: string;
}

export type SimulatedHttpService = (
  request: SimulatedHttpRequest,
  sandbox: SandboxSeedContext,
) => Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;

export type SimulatedProgram = (request: ExecRequest, sandbox: SandboxSeedContext) => Promise<ExecResult>;

export interface SandboxSeedContext {
  /** Connection URL of this system's database on the sandbox's embedded PostgreSQL (one database per system). */
  databaseUrl: string;
  /** A folder this system owns inside the sandbox tree (the Environment's sandboxRoot/<system id>). */
  root: string;
  /** Declares a simulated service (initially running) for the sandbox's service controller. */
  defineService(
    name: string,
    options?: { displayName?: string; startType?: 'auto' | 'manual' | 'disabled' },
  ): void;
  /**
   * Seeding only: creates (afresh) one more database for this system, e.g. a product's second
   * catalog; returns its admin URL. Its real name carries the sandbox's suffix on a shared server.
   * `reset` drops it. The sandbox connector maps a `DbSettings.database` equal to `name` to it.
   */
  createDatabase(name: string): Promise<string>;
  /**
   * Seeding only: creates a login role with this password (cluster-wide, so suffixed like the
   * databases on a shared server) and returns its real name. The sandbox connector logs in as a
   * role the sandbox created with the password it is given, so a wrong password fails as on a
   * real server. `reset` drops it.
   */
  createRole(name: string, password: string): Promise<string>;
  /** Admin URL of a database made by `createDatabase(name)`. */
  databaseUrlOf(name: string): Promise<string>;
  /** The sandbox's connector (what procedures get as `Environment.db`). */
  readonly db: DbConnector;
  /** The sandbox's simulated services: programs stop and start them as the real tools do. */
  readonly services: ServiceController;
}
