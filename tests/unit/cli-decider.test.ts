import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Prompt } from '../../src/shared/procedure.js';
import { cliDecider } from '../../src/main/cli/decider.js';
import type { CliIo } from '../../src/main/cli/io.js';
import { PromptDeferred } from '../../src/main/engine/runner.js';

function io(typed?: string): CliIo & { errText(): string } {
  const stdin = Readable.from(typed === undefined ? [] : [typed]) as Readable & { isTTY?: boolean };
  if (typed !== undefined) stdin.isTTY = true;
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdin, stdout: new PassThrough(), stderr, env: {}, cwd: '/', errText: () => err };
}

const prompt = (kind: Prompt['kind'], options: Prompt['options'], stepId?: string): Prompt => ({
  id: 'p1',
  kind,
  stepId,
  title: `A ${kind}`,
  message: 'Message',
  instructions: ['Do this'],
  options,
});

const storeSecrets: Prompt = {
  ...prompt('store-secrets', ['confirm', 'cancel'], 'record-new-passwords'),
  reveal: [
    { label: 'New password of OSADMIN', value: 'Gen-1-x"y' },
    { label: 'New password of OSSTATE', value: 'Gen-2-z' },
  ],
};

describe('CLI answers to prompts', () => {
  it('shows secrets once on stderr: with --yes and no terminal printed and taken as stored; without either the run waits and shows nothing', async () => {
    const unattended = io();
    const decide = cliDecider(unattended, { yes: true, done: [], onFailure: 'stop' });
    expect(await decide(storeSecrets)).toBe('confirm');
    expect(unattended.errText()).toMatch(
      /SHOWN ONCE[\s\S]*New password of OSADMIN {2}Gen-1-x"y\n!!! {3}New password of OSSTATE {2}Gen-2-z/,
    );

    const waiting = io();
    await expect(
      cliDecider(waiting, { yes: false, done: [], onFailure: 'stop' })(storeSecrets),
    ).rejects.toThrow(/shown once and there is no terminal/);
    expect(waiting.errText()).not.toContain('Gen-1');

    const terminal = io('y\n');
    expect(await cliDecider(terminal, { yes: false, done: [], onFailure: 'stop' })(storeSecrets)).toBe(
      'confirm',
    );
    expect(terminal.errText()).toMatch(/Gen-2-z[\s\S]*I have stored|Gen-2-z[\s\S]*Choose confirm/);
  });

  it('--yes confirms gates but never answers a failure', async () => {
    const decide = cliDecider(io(), { yes: true, done: [], onFailure: 'stop' });
    expect(await decide(prompt('confirm-changes', ['confirm', 'cancel']))).toBe('confirm');
    expect(await decide(prompt('confirm-outage', ['confirm', 'cancel'], 's'))).toBe('confirm');
    expect(await decide(prompt('failure', ['retry', 'cancel'], 'check'))).toBe('cancel');
    await expect(decide(prompt('manual', ['confirm', 'cancel'], 'manual-step'))).rejects.toThrow(
      PromptDeferred,
    );
  });

  it('--done confirms that manual step only; --on-failure rollback picks rollback where offered', async () => {
    const decide = cliDecider(io(), { yes: false, done: ['manual-step'], onFailure: 'rollback' });
    expect(await decide(prompt('manual', ['confirm', 'cancel'], 'manual-step'))).toBe('confirm');
    await expect(decide(prompt('manual', ['confirm', 'cancel'], 'other'))).rejects.toThrow(/--done other/);
    await expect(decide(prompt('confirm-changes', ['confirm', 'cancel']))).rejects.toThrow(/--yes/);
    expect(await decide(prompt('failure', ['retry', 'rollback', 'continue', 'cancel'], 'x'))).toBe(
      'rollback',
    );
    expect(await decide(prompt('failure', ['retry', 'cancel'], 'x'))).toBe('cancel');
  });

  it('asks on a terminal, showing the instructions, until a valid choice (prefixes accepted)', async () => {
    const terminal = io('maybe\nr\nre\n');
    const decision = await cliDecider(terminal, { yes: false, done: [], onFailure: 'stop' })(
      prompt('failure', ['retry', 'rollback', 'cancel'], 'x'),
    );
    expect(decision).toBe('retry');
    expect(terminal.errText()).toContain('1. Do this');
    expect(terminal.errText().match(/Please type one of: retry, rollback, cancel/g)).toHaveLength(2);
  });

  it('takes y / yes and n / no where the prompt offers confirm / cancel (issue 16)', async () => {
    const answers = { yes: false, done: [], onFailure: 'stop' as const };
    const gate = prompt('confirm-changes', ['confirm', 'cancel']);
    expect(await cliDecider(io('y\n'), answers)(gate)).toBe('confirm');
    expect(await cliDecider(io('YES\n'), answers)(gate)).toBe('confirm');
    expect(await cliDecider(io('n\n'), answers)(gate)).toBe('cancel');
    expect(await cliDecider(io('no\n'), answers)(gate)).toBe('cancel');
    // A failure prompt has no confirm: "n" is not an answer there.
    const terminal = io('n\nretry\n');
    expect(await cliDecider(terminal, answers)(prompt('failure', ['retry', 'cancel'], 'x'))).toBe('retry');
    expect(terminal.errText()).toContain('Please type one of: retry, cancel\n');
  });

  it('leaves the run waiting when the terminal closes without an answer', async () => {
    await expect(
      cliDecider(io(''), { yes: false, done: [], onFailure: 'stop' })(
        prompt('confirm-changes', ['confirm', 'cancel']),
      ),
    ).rejects.toThrow(PromptDeferred);
  });
});
