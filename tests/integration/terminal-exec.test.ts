// NodeExec's terminal runs (platform/exec/terminal-exec.ts): a real Django project's own
// `manage.py changepassword`, which reads the password twice through getpass from a tty only,
// answered in python3's pseudo-terminal; a refused password stops the program at the repeated
// prompt; the password reaches neither argv nor the environment nor the output.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretOnArgvError } from '../../src/main/platform/exec/argv-guard.js';
import { NodeExec } from '../../src/main/platform/exec/node-exec.js';
import { DJANGO_PYTHON, djangoProjectCheck, makeDjangoProject } from '../support/django-project.js';

const OLD = 'Old-password-1!x';
const NEW = `Tty-Ünïcode-pässword-😀-'"; $(id)`;
const answers = (reply: string) => [
  { prompt: 'Password: ', reply },
  { prompt: 'Password (again): ', reply },
];

describe('NodeExec in a pseudo-terminal', () => {
  const project = makeDjangoProject({ alice: OLD, bob: OLD });

  it("answers Django's changepassword prompts; Django's check_password accepts the new password", async () => {
    const result = await new NodeExec().run({
      program: DJANGO_PYTHON,
      args: ['manage.py', 'changepassword', 'alice'],
      cwd: project,
      timeoutMs: 60_000,
      terminal: { answers: answers(NEW) },
    });
    expect(result.exitCode).toBe(0);
    expect(result.unansweredPrompt).toBeUndefined();
    expect(result.stdout).toMatch(
      /Password: \r?\nPassword \(again\): \r?\nPassword changed successfully for user 'alice'/,
    );
    expect(result.stdout).not.toContain(NEW);
    expect(djangoProjectCheck(project, 'alice', NEW)).toEqual({ accepted: true, algorithm: 'argon2' });
    expect(djangoProjectCheck(project, 'bob', OLD).accepted).toBe(true);
  });

  it("stops at the prompt asked again after Django's validators refused; nothing changed", async () => {
    const result = await new NodeExec().run({
      program: DJANGO_PYTHON,
      args: ['manage.py', 'changepassword', 'bob'],
      cwd: project,
      timeoutMs: 60_000,
      terminal: { answers: answers('12345') },
    });
    expect(result.unansweredPrompt).toBe('Password: ');
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toMatch(/This password is too short\. It must contain at least 8 characters\./);
    expect(result.stdout).toMatch(/This password is entirely numeric\./);
    expect(djangoProjectCheck(project, 'bob', OLD).accepted).toBe(true);
  });

  it('the reply is in no argv and no environment of the child, and a reply on argv is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-tty-'));
    const result = await new NodeExec().run({
      program: DJANGO_PYTHON,
      args: [
        '-c',
        'import getpass, json, os, sys\np = getpass.getpass("Password: ")\nprint(json.dumps({"got": p == os.environ["EXPECTED_LENGTH"] or len(p), "argv": sys.argv, "env": dict(os.environ), "tty": os.isatty(0)}))',
      ],
      cwd: dir,
      env: { EXPECTED_LENGTH: 'n/a' },
      timeoutMs: 30_000,
      terminal: { answers: [{ prompt: 'Password: ', reply: NEW }] },
    });
    expect(result.exitCode).toBe(0);
    const seen = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
      got: number;
      argv: string[];
      env: Record<string, string>;
      tty: boolean;
    };
    expect(seen.tty).toBe(true);
    expect(seen.got).toBe([...NEW].length);
    expect(JSON.stringify(seen.argv)).not.toContain(NEW);
    expect(JSON.stringify(seen.env)).not.toContain(NEW);
    await expect(
      new NodeExec().run({
        program: DJANGO_PYTHON,
        args: ['-c', 'pass', NEW],
        terminal: { answers: [{ prompt: 'x', reply: NEW }] },
      }),
    ).rejects.toThrow(SecretOnArgvError);
  });
});
