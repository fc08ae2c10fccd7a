/** Running programs. Secrets never go on argv: they travel through stdin or the environment of that one child. */
export interface ExecRequest {
  program: string;
  args: readonly string[];
  cwd?: string;
  /** Extra environment for this child only (merged over the parent's, less its secret variables). */
  env?: Readonly<Record<string, string>>;
  /** Written to the child's stdin, then stdin is closed. */
  stdin?: string;
  /** Killed after this long; the result then has timedOut = true. */
  timeoutMs?: number;
  /** Values that must not appear on argv (refused before spawning) and are masked in stdout/stderr. */
  secrets?: readonly string[];
  /**
   * Run it in a pseudo-terminal and answer its prompts, for programs that read only from a tty
   * (getpass). Output then comes as one stream, in stdout. Replies count as secrets.
   */
  terminal?: { answers: readonly TerminalAnswer[] };
}

/** Sent once, when the terminal's output since the last reply ends with `prompt`. */
export interface TerminalAnswer {
  prompt: string;
  reply: string;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** Terminal runs: a prompt that came once more than it was answered; the program was then stopped. */
  unansweredPrompt?: string;
}

export interface Exec {
  run(request: ExecRequest): Promise<ExecResult>;
}
