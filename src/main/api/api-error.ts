import type { ErrorCode } from '../../shared/ipc.js';

/** An error whose IPC code is known (not-found, conflict, ...); the router passes code and message through. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
