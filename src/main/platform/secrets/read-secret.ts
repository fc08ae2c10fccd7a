/**
 * Reads secrets the way every `breakglass` command takes them: from stdin when it is a pipe or file,
 * or from a no-echo prompt on a terminal. Never from argv.
 */
import type { Readable, Writable } from 'node:stream';

/** Refuses more than this from stdin: a password is never this long, a wrong file often is. */
const MAX_STDIN_BYTES = 1024 * 1024;

export class SecretInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretInputError';
  }
}

export interface SecretStreams {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stderr: Writable;
}

/** All of stdin less one trailing newline, or one line typed at a no-echo prompt. */
export async function readSecret(io: SecretStreams, prompt: string): Promise<string> {
  if (io.stdin.isTTY) return promptWithoutEcho(io, prompt);
  return (await readAllStdin(io.stdin)).replace(/\r?\n$/, '');
}

/** The first `prompts.length` lines of stdin (nothing may follow but blank lines), or one no-echo prompt per line. */
export async function readSecretLines(io: SecretStreams, prompts: readonly string[]): Promise<string[]> {
  if (io.stdin.isTTY) {
    const answers: string[] = [];
    for (const prompt of prompts) answers.push(await promptWithoutEcho(io, prompt));
    return answers;
  }
  const lines = (await readAllStdin(io.stdin)).split(/\r?\n/);
  if (
    lines.length < prompts.length ||
    lines.slice(0, prompts.length).some((line, index) => index > 0 && line === '')
  ) {
    throw new SecretInputError(
      `stdin must hold ${prompts.length} lines (${prompts.map((p) => p.replace(/:\s*$/, '')).join(', then ')}).`,
    );
  }
  if (lines.slice(prompts.length).some((line) => line !== '')) {
    throw new SecretInputError(
      `stdin holds more than ${prompts.length} lines; give exactly ${prompts.map((p) => p.replace(/:\s*$/, '')).join(', then ')}.`,
    );
  }
  return lines.slice(0, prompts.length);
}

async function readAllStdin(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_STDIN_BYTES)
      throw new SecretInputError(
        `stdin holds more than ${MAX_STDIN_BYTES} bytes; pipe only the password (and the stored value when verifying).`,
      );
    chunks.push(buffer);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new SecretInputError('stdin is not valid UTF-8 text; save the password as UTF-8.');
  }
}

async function promptWithoutEcho(io: SecretStreams, prompt: string): Promise<string> {
  const { stdin, stderr } = io;
  if (typeof stdin.setRawMode !== 'function')
    throw new SecretInputError('This terminal cannot turn echo off; pipe the password on stdin instead.');
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (character === '\u0003' || character === '\u0004') {
          finish();
          reject(new SecretInputError('Cancelled at the prompt; nothing was done.'));
          return;
        }
        if (character === '\u007f' || character === '\b') value = [...value].slice(0, -1).join('');
        else value += character;
      }
    };
    stdin.on('data', onData);
  });
}
