/**
 * Runs a program in a pseudo-terminal and answers its prompts (Django's changepassword reads the
 * password twice through getpass, from the tty only). The terminal comes from python3's pty
 * module (a small helper given as `-c`, the program and its arguments after it), so no native
 * module is needed. Each answer goes to the terminal's input once, when the output since the last
 * reply ends with its prompt (getpass turns echo off before it prints the prompt, so nothing typed
 * is echoed). A prompt that comes again with no answer left (a rejected password asked for anew)
 * stops the program: `unansweredPrompt` says which.
 */
import { spawn } from 'node:child_process';
import { Redactor } from '../../../shared/redact.js';
import { assertNoSecretOnArgv } from './argv-guard.js';
import { childEnvironment } from './child-env.js';
import { killTree, waitForExit } from './child-process.js';
import { OutputCapture } from './output-capture.js';
import type { ExecRequest, ExecResult } from './types.js';

export const PTY_PROGRAM = 'python3';

/** Copies stdin to the terminal and the terminal to stdout; exits as the program did (128 + signal). */
export const PTY_HELPER = `import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    except OSError as error:
        sys.stderr.write("cannot start %s: %s\\n" % (sys.argv[1], error.strerror))
        os._exit(127)
source = sys.stdin.buffer.fileno()
while True:
    ready = select.select([fd] + ([source] if source is not None else []), [], [])[0]
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if source is not None and source in ready:
        data = os.read(source, 65536)
        if data:
            os.write(fd, data)
        else:
            source = None
status = os.waitpid(pid, 0)[1]
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
`;

export async function runInTerminal(request: ExecRequest, outputCapBytes: number): Promise<ExecResult> {
  const answers = request.terminal?.answers ?? [];
  const secrets = [...(request.secrets ?? []), ...answers.map((answer) => answer.reply)];
  assertNoSecretOnArgv({ ...request, secrets });
  const redactor = new Redactor(secrets);
  const started = Date.now();
  const child = spawn(PTY_PROGRAM, ['-c', PTY_HELPER, request.program, ...request.args], {
    cwd: request.cwd,
    env: childEnvironment({ extra: request.env, secrets: request.secrets }),
    shell: false,
    windowsHide: true,
    detached: process.platform !== 'win32',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = new OutputCapture(outputCapBytes);
  const helperErrors = new OutputCapture(outputCapBytes);
  let next = 0;
  let sinceReply = '';
  let unansweredPrompt: string | undefined;
  const prompts = [...new Set(answers.map((answer) => answer.prompt))];
  child.stdin?.on('error', () => undefined);
  child.stdout?.on('data', (chunk: Buffer) => {
    output.push(chunk);
    sinceReply = `${sinceReply}${chunk.toString('utf8')}`.slice(-4096);
    const answer = answers[next];
    if (answer && sinceReply.endsWith(answer.prompt)) {
      next += 1;
      sinceReply = '';
      child.stdin?.write(`${answer.reply}\r`);
      return;
    }
    const repeated = prompts.find((prompt) => sinceReply.endsWith(prompt));
    if (repeated !== undefined && next >= answers.length) {
      unansweredPrompt = repeated;
      killTree(child);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => helperErrors.push(chunk));
  const { exitCode, signal, timedOut } = await waitForExit(
    child,
    `${PTY_PROGRAM} (the pseudo-terminal for ${redactor.redact(request.program)})`,
    request.timeoutMs,
  );
  return {
    exitCode,
    signal,
    stdout: redactor.redact(output.text()),
    stderr: redactor.redact(helperErrors.text()),
    timedOut,
    durationMs: Date.now() - started,
    ...(unansweredPrompt !== undefined ? { unansweredPrompt } : {}),
  };
}
