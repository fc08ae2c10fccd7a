import type { Decision, Prompt } from '../../shared/procedure.js';
import { PromptDeferred } from '../engine/runner.js';
import { InputError, ProcedureRefusal } from '../engine/types.js';

const CLOSED_MESSAGE = 'The app closed while the run waited for an answer';

/** Prompts of background runs waiting for `run.respond`, by prompt id. */
export class PendingPrompts {
  private readonly waiting = new Map<
    string,
    { prompt: Prompt; resolve(decision: Decision): void; reject(error: Error): void }
  >();
  /** Set by deferAll(): nobody will answer any more, so a prompt reached later is deferred at once. */
  private closed = false;

  /** The `decide` hook of every run driven through the API. */
  readonly decide = (prompt: Prompt): Promise<Decision> => {
    if (this.closed) return Promise.reject(new PromptDeferred(CLOSED_MESSAGE));
    return new Promise<Decision>((resolve, reject) => {
      this.waiting.set(prompt.id, { prompt, resolve, reject });
    }).finally(() => this.waiting.delete(prompt.id));
  };

  /** Answers the prompt `promptId` of run `runId`, whose current prompt is `currentPromptId`. */
  answer(runId: string, promptId: string, currentPromptId: string | undefined, decision: Decision): void {
    const waiting = this.waiting.get(promptId);
    if (!waiting || currentPromptId !== promptId) {
      throw new ProcedureRefusal(
        `Run ${runId} is not waiting on question ${promptId} (it may have been answered already). Reload the run.`,
      );
    }
    if (!waiting.prompt.options.includes(decision)) {
      throw new InputError(
        'decision',
        `"${decision}" is not an answer to "${waiting.prompt.title}"; choose one of ${waiting.prompt.options.join(', ')}.`,
      );
    }
    waiting.resolve(decision);
  }

  /** Leaves every waiting run `awaiting` (journaled, resumable), e.g. when the window closes; prompts reached after this are deferred at once. */
  deferAll(): void {
    this.closed = true;
    for (const waiting of this.waiting.values()) waiting.reject(new PromptDeferred(CLOSED_MESSAGE));
  }
}
