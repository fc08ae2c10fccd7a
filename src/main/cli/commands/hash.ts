/**
 * `breakglass hash <scheme>` makes a password hash offline; `breakglass hash --verify <scheme>`
 * checks a password against a stored value. The password comes from stdin (or a no-echo prompt on a
 * terminal), never from the command line.
 */
import type { PasswordScheme, PasswordSchemeOptions, SystemModule } from '../../engine/types.js';
import { readRegularFile, UnreadableFileError } from '../../platform/files/read-regular-file.js';
import { decodeUtf8Text } from '../../platform/files/utf8-text.js';
import { PasswordInputError } from '../../platform/hashing/password-rules.js';
import { SecretInputError, readSecret, readSecretLines } from '../../platform/secrets/read-secret.js';
import { systems } from '../../systems/index.js';
import { ExitCode, type CliIo } from '../io.js';

/** Every system's password schemes by name; two systems naming the same scheme is a programming error. */
export function passwordSchemes(modules: readonly SystemModule[]): Record<string, PasswordScheme> {
  const all: Record<string, PasswordScheme> = {};
  for (const module of modules)
    for (const [name, scheme] of Object.entries(module.passwordSchemes ?? {})) {
      if (name in all) throw new Error(`Two systems define the password scheme "${name}"`);
      all[name] = scheme;
    }
  return all;
}

const schemes = passwordSchemes(systems);

const OPTION_FLAGS: Record<keyof PasswordSchemeOptions, string> = {
  pepper: '--pepper-file',
  rounds: '--rounds',
};

function usage(): string {
  const optionLines = Object.entries(schemes).flatMap(([name, scheme]) =>
    Object.entries(scheme.options).map(
      ([option, meaning]) =>
        `  ${OPTION_FLAGS[option as keyof PasswordSchemeOptions].padEnd(13)}  ${name}: ${meaning}`,
    ),
  );
  return [
    'usage: breakglass hash <scheme> [--pepper-file <file>] [--rounds <n>]   < password',
    '       breakglass hash --verify <scheme> [--pepper-file <file>]           < password-line, stored-value-line',
    `schemes: ${Object.keys(schemes).join(' | ')}`,
    ...optionLines,
    'The password is read from stdin (all of it, less one trailing newline) or prompted for without echo.',
    'It is never accepted on the command line.',
  ].join('\n');
}

class UsageError extends Error {}

interface ParsedArgs {
  verify: boolean;
  schemeName: string;
  pepperFile?: string;
  rounds?: number;
}

function parseArgs(args: string[]): ParsedArgs {
  let verify = false;
  let schemeName: string | undefined;
  let pepperFile: string | undefined;
  let rounds: number | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const [flag, inlineValue] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const next = inlineValue ?? args[++index];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value.`);
      return next;
    };
    if (flag === '--verify') verify = true;
    else if (flag === '--pepper-file') pepperFile = value();
    else if (flag === '--rounds') {
      const text = value();
      if (!/^[0-9]{1,10}$/.test(text)) throw new UsageError('--rounds must be a whole number.');
      rounds = Number(text);
    } else if (flag.startsWith('-')) throw new UsageError('Unknown option (see usage).');
    // The argument is not echoed back: it might be a password typed in the wrong place.
    else if (schemeName === undefined && flag in schemes) schemeName = flag;
    else if (schemeName === undefined) throw new UsageError('Unknown scheme (see usage).');
    else
      throw new UsageError(
        'Unexpected argument. The password is read from stdin, never from the command line.',
      );
  }
  if (schemeName === undefined) throw new UsageError('Name a scheme.');
  return { verify, schemeName, pepperFile, rounds };
}

/** The pepper file: a regular file of at most 64 KiB (a FIFO or a link to /dev/zero is refused, not waited on). */
async function readPepper(file: string): Promise<string> {
  try {
    return decodeUtf8Text((await readRegularFile(file, 64 * 1024)).bytes, file).replace(/\r?\n$/, '');
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    throw new UsageError(
      error.reason === 'missing'
        ? `--pepper-file: cannot read ${file} (ENOENT).`
        : `--pepper-file: ${error.message}`,
    );
  }
}

export async function hashCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${usage()}\n`);
    return ExitCode.ok;
  }
  try {
    const parsed = parseArgs(args);
    const scheme = schemes[parsed.schemeName];
    if (!scheme) throw new UsageError('Unknown scheme (see usage).');
    if (parsed.pepperFile !== undefined && !scheme.options.pepper)
      throw new UsageError(`${parsed.schemeName} takes no --pepper-file.`);
    if (parsed.rounds !== undefined && !scheme.options.rounds)
      throw new UsageError(`${parsed.schemeName} takes no --rounds.`);
    if (parsed.rounds !== undefined && parsed.verify)
      throw new UsageError('--rounds is read from the stored value when verifying; leave it out.');
    const options: PasswordSchemeOptions = { rounds: parsed.rounds };
    if (parsed.pepperFile !== undefined) options.pepper = await readPepper(parsed.pepperFile);

    if (!parsed.verify) {
      const password = await readSecret(io, 'New password: ');
      io.stdout.write(`${await scheme.hash(password, options)}\n`);
      return ExitCode.ok;
    }
    const [password = '', stored = ''] = await readSecretLines(io, ['Password: ', 'Stored value: ']);
    if (password.length === 0)
      throw new PasswordInputError('password', 'The password (first line of stdin) is empty.');
    const check = scheme.inspect(stored);
    if (!check.recognised) {
      throw new UsageError(
        `The stored value (second line of stdin) is not a ${parsed.schemeName} hash. Paste it exactly as stored, with no spaces around it.`,
      );
    }
    if (check.note) io.stderr.write(`note: ${check.note}\n`);
    const match = await scheme.verify(password, stored, options);
    io.stderr.write(match ? 'match\n' : 'no match\n');
    return match ? ExitCode.ok : ExitCode.mismatch;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`breakglass hash: ${error.message}\n${usage()}\n`);
      return ExitCode.badInput;
    }
    if (
      error instanceof PasswordInputError ||
      error instanceof RangeError ||
      error instanceof SecretInputError
    ) {
      io.stderr.write(`breakglass hash: ${error.message}\n`);
      return ExitCode.badInput;
    }
    throw error;
  }
}
