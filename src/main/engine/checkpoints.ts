/**
 * Named points in a run where a crash test stops the process to kill it (-9): before, during and
 * after each step, and inside steps that write in two moves. The product sets no hook, so each
 * call does nothing; `tests/support/checkpointed-cli.ts` sets one in its own process only.
 */
export type CheckpointPhase = 'before' | 'during' | 'after';
export type CheckpointHook = (stepId: string, phase: CheckpointPhase) => Promise<void>;

let hook: CheckpointHook | undefined;

export function setCheckpointHook(next: CheckpointHook | undefined): void {
  hook = next;
}

export async function checkpoint(stepId: string, phase: CheckpointPhase): Promise<void> {
  if (hook) await hook(stepId, phase);
}
