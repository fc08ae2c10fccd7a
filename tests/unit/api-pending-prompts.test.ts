import { describe, expect, it } from 'vitest';
import { PendingPrompts } from '../../src/main/api/pending-prompts.js';
import { PromptDeferred } from '../../src/main/engine/runner.js';
import type { Prompt } from '../../src/shared/procedure.js';

function prompt(id: string): Prompt {
  return {
    id,
    kind: 'confirm-changes',
    title: 'Apply the changes?',
    message: 'All checks passed.',
    instructions: [],
    options: ['confirm', 'cancel'],
  };
}

/** The promise's outcome, or 'pending' if it has not settled within a few ticks. */
async function settled(promise: Promise<unknown>): Promise<unknown> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise((resolve) => setTimeout(() => resolve('pending'), 50)),
  ]);
}

describe('pending prompts', () => {
  it('answers a waiting prompt with run.respond', async () => {
    const prompts = new PendingPrompts();
    const waiting = prompts.decide(prompt('p1'));
    prompts.answer('run-1', 'p1', 'p1', 'confirm');
    await expect(waiting).resolves.toBe('confirm');
  });

  it('defers the prompts waiting at close, and every prompt reached after close at once', async () => {
    const prompts = new PendingPrompts();
    const before = prompts.decide(prompt('p1'));
    prompts.deferAll();
    await expect(before).rejects.toBeInstanceOf(PromptDeferred);
    const after = await settled(prompts.decide(prompt('p2')));
    expect(after).toMatchObject({ error: expect.any(PromptDeferred) });
    expect(() => prompts.answer('run-1', 'p2', 'p2', 'confirm')).toThrow(/not waiting/);
  });
});
