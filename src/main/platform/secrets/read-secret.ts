/**
 * Reads secrets the way every `breakglass` command takes them: from stdin when it is a pipe or file,
 * from a no-echo prompt on a terminal, or from a file only its owner can read. Never from argv.
 */
import type { Readable, Writable } from 'node:stream';
import {
  formatByteLimit,
  readRegularFile,
  UnreadableFileError,
  type RegularFileRead,
} from '../files/read-regular-file.js';
import { decodeUtf8Text } from '../files/utf8-text.js';

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

/** A `{"file": path}` secret holds a password or a key, never more than this. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;

/**
 * A secret kept in a file: a regular file of at most 64 KiB that only its owner can read or
 * write (modes are not checked on Windows, where they say nothing about the ACL), holding one
 * line of UTF-8 text: a UTF-8 BOM and one trailing newline are dropped; UTF-16, bytes that are not
 * UTF-8, a NUL, a second line or an empty file are refused, since the password stored would then
 * be one nobody can type. Messages name the file and the fix, never its content.
 */
export async function readSecretFile(filePath: string): Promise<string> {
  let read: RegularFileRead;
  try {
    read = await readRegularFile(filePath, MAX_SECRET_FILE_BYTES);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new SecretInputError(secretFileProblem(error));
    throw error;
  }
  assertOwnerOnly(filePath, read.stat.mode);
  let text: string;
  try {
    text = decodeUtf8Text(read.bytes, filePath);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new SecretInputError(error.message);
    throw error;
  }
  if (text.includes('\0'))
    throw new SecretInputError(
      `${filePath} holds a NUL character, so it is not a text file with a password; write only the password, as UTF-8 text.`,
    );
  const secret = text.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(secret))
    throw new SecretInputError(
      `${filePath} holds more than one line; write only the secret, on one line (one trailing newline is fine).`,
    );
  if (secret === '') throw new SecretInputError(`${filePath} is empty; write the secret in it.`);
  return secret;
}

function assertOwnerOnly(filePath: string, fileMode: number): void {
  if (process.platform === 'win32') return;
  const mode = (fileMode & 0o777).toString(8).padStart(3, '0');
  if ((fileMode & 0o022) !== 0)
    throw new SecretInputError(
      `the secret file ${filePath} can be changed by other users (mode ${mode}), so the secret in it could be theirs. Fix: chmod 600 ${filePath}, and check what it holds.`,
    );
  if ((fileMode & 0o044) !== 0)
    throw new SecretInputError(
      `the secret file ${filePath} can be read by other users (mode ${mode}). Fix: chmod 600 ${filePath}`,
    );
}

function secretFileProblem(error: UnreadableFileError): string {
  switch (error.reason) {
    case 'missing':
      return `the file ${error.filePath} does not exist; fix the path (relative to the input file).`;
    case 'denied':
      return `${error.message} Run as its owner, or fix its permissions.`;
    case 'too-large':
      return `${error.filePath} is larger than ${formatByteLimit(MAX_SECRET_FILE_BYTES)}; give a file holding only the secret.`;
    default:
      return `${error.message} Give the path of a file holding only the secret.`;
  }
}
