/**
 * The one router both transports use: it checks the channel, validates the request, calls the
 * handler, validates the response, and turns every failure into `{ ok: false, code, message }`.
 * No stack trace ever leaves it. It does not import electron: the Electron shell (`app/`) and the
 * web host (`host/`) both use it, and it is tested without Electron.
 */
import type { z } from 'zod';
import { channels, channelNames, type Channel, type ErrorCode, type Result } from '../../shared/ipc.js';
import { InputError, ProcedureRefusal, StepFailure } from '../engine/types.js';
import { ApiError } from './api-error.js';
import type { Handlers } from './types.js';

export type Route = (channel: unknown, request: unknown) => Promise<Result<unknown>>;

const GENERIC_INTERNAL_MESSAGE =
  'Internal error in Breakglass; nothing further was changed. The log of the run (if any) has the details.';

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (channelNames as string[]).includes(value);
}

export function createRouter(
  handlers: Handlers,
  onInternalError: (error: unknown) => void = () => undefined,
): Route {
  return async (channel, request) => {
    if (!isChannel(channel)) {
      return failure(
        'unknown-channel',
        `Unknown channel ${describeValue(channel)}; known channels: ${channelNames.join(', ')}.`,
      );
    }
    const contract = channels[channel];
    const parsedRequest = contract.request.safeParse(request ?? {});
    if (!parsedRequest.success)
      return failure('invalid-input', describeIssues(channel, parsedRequest.error.issues));

    let value: unknown;
    try {
      const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
      value = await handler(parsedRequest.data);
    } catch (error) {
      return errorToResult(error, onInternalError);
    }

    const parsedResponse = (contract.response as z.ZodType).safeParse(value);
    if (!parsedResponse.success) {
      onInternalError(
        new Error(
          `Response of ${channel} does not match its schema: ${describeIssues(channel, parsedResponse.error.issues)}`,
        ),
      );
      return failure('internal', GENERIC_INTERNAL_MESSAGE);
    }
    return { ok: true, value: parsedResponse.data };
  };
}

/** Maps a thrown error to the typed result. The engine's errors carry messages already redacted. */
export function errorToResult(
  error: unknown,
  onInternalError: (error: unknown) => void = () => undefined,
): Result<never> {
  if (error instanceof ApiError) return failure(error.code, error.message);
  if (error instanceof InputError) return failure('invalid-input', error.message);
  if (error instanceof ProcedureRefusal) return failure('refused', error.message);
  if (error instanceof StepFailure)
    return failure('refused', error.fix ? `${error.message} Fix: ${error.fix}` : error.message);
  onInternalError(error);
  return failure('internal', GENERIC_INTERNAL_MESSAGE);
}

export function failure(code: ErrorCode, message: string): { ok: false; code: ErrorCode; message: string } {
  return { ok: false, code, message };
}

function describeIssues(channel: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(request)'}: ${issue.message}`);
  return `${channel}: ${parts.join('; ')}`;
}

function describeValue(value: unknown): string {
  if (typeof value !== 'string') return `(${typeof value})`;
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/**
 * The one internal-error logger for both transports: the error's kind only (its message may carry a
 * value the engine did not get to redact), and which surface was answering, e.g. "the window".
 */
export function internalErrorLogger(
  surface: string,
  write: (line: string) => void = (line) => void process.stderr.write(line),
): (error: unknown) => void {
  return (error) => {
    const name = error instanceof Error ? error.name : typeof error;
    write(`breakglass: internal error (${name}) while answering ${surface}\n`);
  };
}
