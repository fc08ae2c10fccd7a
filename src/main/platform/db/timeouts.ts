/** Bounds on how long any database call may take, so a dead server never hangs a run. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** A single statement; password changes and one-row updates finish in well under this. */
export const STATEMENT_TIMEOUT_MS = 60_000;
