/** How runs read on screen: states as words, the engine's messages as sentences (durations: shared/duration.ts). */
import type { RunState, RunView, StepProgress } from '../../shared/procedure.js';

const STATE_WORDS: Record<RunState, string> = {
  preflight: 'Checking',
  awaiting: 'Waiting for you',
  running: 'Running',
  failed: 'Failed',
  succeeded: 'Succeeded',
  'rolled-back': 'Rolled back',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  'never-started': 'Never started',
};

/** A run's state in words; a stopped run that left a state that must not stay reads "Needs attention", not its state. */
export function runStateWord(run: {
  state: RunState;
  needsAttention?: boolean;
  succeededAt?: string;
}): string {
  if (run.needsAttention) return 'Needs attention';
  if (run.state === 'rolled-back' && run.succeededAt) return 'Undone after success';
  return STATE_WORDS[run.state];
}

/** The CSS class of a run's state badge: needs attention has its own colour. */
export function runStateClass(run: { state: RunState; needsAttention?: boolean }): string {
  return run.needsAttention ? 'state-needs-attention' : `state-${run.state}`;
}

/**
 * A message from the engine as a sentence: capitalised, ending in a full stop, and naming steps by
 * their titles rather than their ids (`"stop-app"` → `"Stop app-service"`).
 */
export function sentence(message: string, steps: readonly Pick<StepProgress, 'id' | 'title'>[] = []): string {
  let text = message.trim();
  for (const step of steps) text = text.split(`"${step.id}"`).join(`"${step.title}"`);
  if (text === '') return text;
  text = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?:)"”]$/.test(text) ? text : `${text}.`;
}

/** The step the run is at: the running one, else the one its question is about, else the first not yet run. */
export function currentStepIndex(run: Pick<RunView, 'steps' | 'prompt'>): number {
  const running = run.steps.findIndex((step) => step.state === 'running');
  if (running >= 0) return running;
  const asked = run.prompt?.stepId ? run.steps.findIndex((step) => step.id === run.prompt?.stepId) : -1;
  if (asked >= 0) return asked;
  return run.steps.findIndex((step) => step.state === 'pending');
}
