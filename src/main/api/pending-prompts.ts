import type { Decision, Prompt } from '../../shared/procedure.js';
import { PromptDeferred } from '../engine/runner.js';
import { InputError, ProcedureRefusal } from '../engine/types.js';

/** Prompts of background runs waiting for `run.respond`, by prompt id. */
export class PendingPrompts {
  private readonly waiting = new Map<string, { prompt: Prompt; resolve(decision: Decision): void; reject(error: Error): void }>();

  /** The `decide` hook of every run driven through the API. */
  readonly decide = (prompt: Prompt): Promise<Decision> =>
    new Promise<Decision>((resolve, reject) => {
      this.waiting.set(prompt.id, { prompt, resolve, reject });
    }).finally(() => this.waiting.delete(prompt.id));

  /** Answers the prompt `promptId` of run `runId`, whose current prompt is `currentPromptId`. */
  answer(runId: string, promptId: string, currentPromptId: string | undefined, decision: Decision): void {
    const waiting = this.waiting.get(promptId);
    if (!waiting || currentPromptId !== promptId) {
      throw new ProcedureRefusal(`Run ${runId} is not waiting on question ${promptId} (it may have been answered already). Reload the run.`);
    }
    if (!waiting.prompt.options.includes(decision)) {
      throw new InputError('decision', `"${decision}" is not an answer to "${waiting.prompt.title}"; choose one of ${waiting.prompt.options.join(', ')}.`);
    }
    waiting.resolve(decision);
  }

  /** Leaves every waiting run `awaiting` (journaled, resumable), e.g. when the window closes. */
  deferAll(): void {
    for (const waiting of this.waiting.values()) waiting.reject(new PromptDeferred('The app closed while the run waited for an answer'));
  }
}
