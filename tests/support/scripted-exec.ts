/**
 * An Exec that answers from recorded outputs of real programs (sc.exe, reg.exe, the Configuration
 * Tool, systemctl, docker) and records every request, so tests can assert the exact programs and
 * arguments called and that no secret ever reached a command line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { assertNoSecretOnArgv } from '../../src/main/platform/exec/argv-guard.js';
import type { Exec, ExecRequest, ExecResult } from '../../src/main/platform/exec/types.js';

export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../fixtures');

export interface ScriptedResult {
  exitCode?: number | null;
  stdout?: string;
  stderr?: string;
  /** A recorded output file under tests/fixtures/ (read as bytes, decoded as UTF-8). */
  stdoutFile?: string;
  stderrFile?: string;
  timedOut?: boolean;
}

export interface ScriptedAnswer {
  /** program: compared by base name, case-insensitively (`C:\Windows\System32\sc.exe` matches `sc.exe`); args: exactly. */
  match: { program: string; args: readonly string[] };
  /** One answer for every matching call … */
  result?: ScriptedResult;
  /** … or one per call in turn; the last repeats. */
  sequence?: ScriptedResult[];
}

export interface RecordedRequest {
  program: string;
  args: string[];
  cwd?: string;
  envKeys: string[];
  hasStdin: boolean;
  request: ExecRequest;
}

export class ScriptedExec implements Exec {
  readonly requests: RecordedRequest[] = [];
  private readonly answers: ScriptedAnswer[];
  private readonly calls = new Map<ScriptedAnswer, number>();

  constructor(answers: readonly ScriptedAnswer[] = []) {
    this.answers = [...answers];
  }

  /** Loads a JSON list of ScriptedAnswer from tests/fixtures/<relativePath>. */
  static fromFile(relativePath: string): ScriptedExec {
    const answers = JSON.parse(
      fs.readFileSync(path.join(FIXTURES_DIR, relativePath), 'utf8'),
    ) as ScriptedAnswer[];
    return new ScriptedExec(answers);
  }

  /** Adds answers in front of the existing ones (a later, more specific answer wins). */
  prepend(...answers: ScriptedAnswer[]): this {
    this.answers.unshift(...answers);
    return this;
  }

  async run(request: ExecRequest): Promise<ExecResult> {
    this.requests.push({
      program: request.program,
      args: [...request.args],
      cwd: request.cwd,
      envKeys: Object.keys(request.env ?? {}),
      hasStdin: request.stdin !== undefined,
      request,
    });
    assertNoSecretOnArgv(request);
    const answer = this.answers.find((candidate) => matches(candidate, request));
    if (!answer) {
      throw new Error(
        `ScriptedExec: no recorded answer for ${JSON.stringify([request.program, ...request.args])}`,
      );
    }
    const calls = this.calls.get(answer) ?? 0;
    this.calls.set(answer, calls + 1);
    const scripted = answer.sequence
      ? answer.sequence[Math.min(calls, answer.sequence.length - 1)]
      : answer.result;
    if (!scripted)
      throw new Error(`ScriptedExec: answer for ${answer.match.program} has neither result nor sequence`);
    return {
      exitCode: scripted.exitCode === undefined ? 0 : scripted.exitCode,
      signal: null,
      stdout: scripted.stdoutFile ? readFixture(scripted.stdoutFile) : (scripted.stdout ?? ''),
      stderr: scripted.stderrFile ? readFixture(scripted.stderrFile) : (scripted.stderr ?? ''),
      timedOut: scripted.timedOut ?? false,
      durationMs: 0,
    };
  }

  /** The recorded calls as `[program base name, ...args]`, for exact assertions. */
  commandLines(): string[][] {
    return this.requests.map((recorded) => [baseName(recorded.program), ...recorded.args]);
  }

  /** Throws when any secret appears in any recorded program or argument. */
  assertNoSecretInArgv(secrets: readonly string[]): void {
    for (const recorded of this.requests) {
      [recorded.program, ...recorded.args].forEach((part, index) => {
        if (secrets.some((secret) => secret.length > 0 && part.includes(secret))) {
          throw new Error(
            `A secret reached the command line of ${baseName(recorded.program)} (position ${index})`,
          );
        }
      });
    }
  }
}

export function readFixture(relativePath: string): string {
  return fs.readFileSync(path.join(FIXTURES_DIR, relativePath), 'utf8');
}

function matches(answer: ScriptedAnswer, request: ExecRequest): boolean {
  if (baseName(answer.match.program).toLowerCase() !== baseName(request.program).toLowerCase()) return false;
  const expected = answer.match.args;
  return (
    expected.length === request.args.length && expected.every((arg, index) => arg === request.args[index])
  );
}

function baseName(program: string): string {
  return path.win32.basename(program);
}
