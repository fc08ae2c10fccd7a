import { createInterface } from 'node:readline';
import type { Decision, Prompt } from '../../shared/procedure.js';
import { PromptDeferred } from '../engine/runner.js';
import type { CliIo } from './io.js';

export interface CliAnswers {
  /** --yes: confirm the change and outage gates (and a stale-lock takeover); never a failed check. */
  yes: boolean;
  /** --done <stepId>: the admin has done this manual step; its `manualCheck` runs if it has one, else it is journaled as the admin's word. */
  done: readonly string[];
  /** --on-failure: what a failed step does without a terminal to ask on. */
  onFailure: 'stop' | 'rollback';
}

/**
 * The CLI's answer to each prompt: from the flags when they answer it, else asked on the terminal,
 * else the run stops resumable — `awaiting` for a gate or manual step, `failed` for a failure.
 */
export function cliDecider(io: CliIo, answers: CliAnswers): (prompt: Prompt) => Promise<Decision> {
  return async (prompt) => {
    if (prompt.kind === 'store-secrets') return storeSecrets(io, answers, prompt);
    if ((prompt.kind === 'confirm-changes' || prompt.kind === 'confirm-outage') && answers.yes)
      return 'confirm';
    if (prompt.kind === 'manual' && prompt.stepId && answers.done.includes(prompt.stepId)) return 'confirm';
    if (io.stdin.isTTY) return askOnTerminal(io, prompt);
    // Without a terminal: a stop is confirmed (the outcome then prints what it left and the ways
    // out); a rollback only when --on-failure rollback asked for it.
    if (prompt.kind === 'confirm-cancel') return 'confirm';
    if (prompt.kind === 'confirm-rollback') {
      if (answers.onFailure === 'rollback') return 'confirm';
      throw new PromptDeferred(`"${prompt.title}" needs a confirmation and there is no terminal to ask on.`);
    }
    if (prompt.kind === 'failure')
      return answers.onFailure === 'rollback' && prompt.options.includes('rollback') ? 'rollback' : 'cancel';
    throw new PromptDeferred(
      prompt.kind === 'manual'
        ? `Manual step "${prompt.title}" needs you: do it, then resume with --done ${prompt.stepId ?? '<step>'}.`
        : `"${prompt.title}" needs a confirmation and there is no terminal to ask on: resume with --yes.`,
    );
  };
}

/**
 * The secrets a run shows once, on stderr (never stdout, which --json and pipes take): on a
 * terminal, then asked; with --yes and no terminal, printed and taken as stored (the admin asked
 * for an unattended run and reads its output); otherwise the run waits, showing nothing.
 */
async function storeSecrets(io: CliIo, answers: CliAnswers, prompt: Prompt): Promise<Decision> {
  if (!io.stdin.isTTY && !answers.yes)
    throw new PromptDeferred(
      `"${prompt.title}": secrets are shown once and there is no terminal to show them on: resume with --yes (they are printed on stderr) or on a terminal.`,
    );
  const width = Math.max(...(prompt.reveal ?? []).map((secret) => secret.label.length));
  io.stderr.write(
    [
      '',
      '!!! SHOWN ONCE — store these now; Breakglass does not show them again:',
      ...(prompt.reveal ?? []).map((secret) => `!!!   ${secret.label.padEnd(width)}  ${secret.value}`),
      '',
    ].join('\n'),
  );
  if (!io.stdin.isTTY) return 'confirm';
  return askOnTerminal(io, prompt);
}

/** y/yes and n/no, as every terminal tool takes them, where the prompt offers confirm / cancel. */
const YES_NO: Record<string, Decision> = { y: 'confirm', yes: 'confirm', n: 'cancel', no: 'cancel' };

async function askOnTerminal(io: CliIo, prompt: Prompt): Promise<Decision> {
  io.stderr.write(`\n? ${prompt.title}\n  ${prompt.message}\n`);
  prompt.instructions.forEach((line, index) => io.stderr.write(`  ${index + 1}. ${line}\n`));
  const question = `  Choose ${prompt.options.map((option) => (prompt.labels?.[option] ? `${option} (${prompt.labels[option]})` : option)).join(' / ')}: `;
  io.stderr.write(question);
  const offersYesNo = prompt.options.includes('confirm') && prompt.options.includes('cancel');
  const reader = createInterface({ input: io.stdin, terminal: false });
  try {
    for await (const line of reader) {
      const typed = line.trim().toLowerCase();
      const answer = (offersYesNo && YES_NO[typed]) || typed;
      const matches = prompt.options.filter((option) => answer.length > 0 && option.startsWith(answer));
      const decision =
        prompt.options.find((option) => option === answer) ?? (matches.length === 1 ? matches[0] : undefined);
      if (decision) return decision;
      io.stderr.write(
        `  Please type one of: ${prompt.options.join(', ')}${offersYesNo ? ' (or y / n)' : ''}\n${question}`,
      );
    }
  } finally {
    reader.close();
  }
  throw new PromptDeferred(`The terminal closed before "${prompt.title}" was answered.`);
}
