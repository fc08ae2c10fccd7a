/**
 * `breakglass hash <scheme>` makes a password hash offline; `breakglass hash --verify <scheme>`
 * checks a password against a stored value. The password comes from stdin (or a no-echo prompt on a
 * terminal), never from the command line.
 */
import { readRegularFile, UnreadableFileError } from '../../platform/files/read-regular-file.js';
import { decodeUtf8Text } from '../../platform/files/utf8-text.js';
import { PasswordInputError } from '../../platform/hashing/password-rules.js';
import { isBcryptValue } from '../../platform/hashing/bcrypt-bytes.js';
import {
  detectAuthgearHashFormat,
  hashAuthgearPassword,
  verifyAuthgearPassword,
} from '../../systems/authgear/hash.js';
import {
  detectOutSystemsHashFormat,
  hashOutSystemsPassword,
  verifyOutSystemsPassword,
} from '../../systems/outsystems/hash.js';
import { hashSynapsePassword, verifySynapsePassword } from '../../systems/synapse/hash.js';
import {
  detectSysReptorHashFormat,
  hashSysReptorPassword,
  verifySysReptorPassword,
} from '../../systems/sysreptor/hash.js';
import { SecretInputError, readSecret, readSecretLines } from '../../platform/secrets/read-secret.js';
import { ExitCode, type CliIo } from '../io.js';

const USAGE = `usage: breakglass hash <scheme> [--pepper-file <file>] [--rounds <n>]   < password
       breakglass hash --verify <scheme> [--pepper-file <file>]           < password-line, stored-value-line
schemes: outsystems | synapse | django-pbkdf2 | django-argon2 | authgear
  --pepper-file  synapse: file holding password_config.pepper (one trailing newline is ignored)
  --rounds       synapse: bcrypt cost (default 12); django-pbkdf2: iterations (default 1200000)
The password is read from stdin (all of it, less one trailing newline) or prompted for without echo.
It is never accepted on the command line.`;

interface SchemeOptions {
  pepper?: string;
  rounds?: number;
}

interface Scheme {
  accepts: ReadonlyArray<keyof SchemeOptions>;
  hash(password: string, options: SchemeOptions): Promise<string>;
  /** Whether the stored value is in a format the scheme knows, and anything the admin should know about it. */
  inspect(stored: string): { recognised: boolean; note?: string };
  verify(password: string, stored: string, options: SchemeOptions): Promise<boolean>;
}

const schemes: Record<string, Scheme> = {
  outsystems: {
    accepts: [],
    hash: async (password) => hashOutSystemsPassword(password),
    inspect: (stored) => {
      const format = detectOutSystemsHashFormat(stored);
      if (format === 'legacy-md5')
        return {
          recognised: true,
          note: 'legacy OutSystems MD5 value (new values are always written as $1$)',
        };
      return { recognised: format === 'v1' };
    },
    verify: async (password, stored) => verifyOutSystemsPassword(password, stored),
  },
  synapse: {
    accepts: ['pepper', 'rounds'],
    hash: (password, options) => hashSynapsePassword(password, options),
    inspect: (stored) => ({ recognised: isBcryptValue(stored) }),
    verify: (password, stored, options) => verifySynapsePassword(password, stored, options),
  },
  'django-pbkdf2': {
    accepts: ['rounds'],
    hash: (password, options) =>
      hashSysReptorPassword(password, { algorithm: 'pbkdf2_sha256', iterations: options.rounds }),
    inspect: (stored) => ({ recognised: detectSysReptorHashFormat(stored) === 'pbkdf2_sha256' }),
    verify: (password, stored) => verifySysReptorPassword(password, stored),
  },
  'django-argon2': {
    accepts: [],
    hash: (password) => hashSysReptorPassword(password, { algorithm: 'argon2' }),
    inspect: (stored) => ({ recognised: detectSysReptorHashFormat(stored) === 'argon2' }),
    verify: (password, stored) => verifySysReptorPassword(password, stored),
  },
  authgear: {
    accepts: [],
    hash: (password) => hashAuthgearPassword(password),
    inspect: (stored) => {
      const format = detectAuthgearHashFormat(stored);
      if (format === 'bcrypt')
        return {
          recognised: true,
          note: 'plain bcrypt value (Authgear upgrades it to $bcrypt-sha512$ at the next login)',
        };
      return { recognised: format === 'bcrypt-sha512' };
    },
    verify: (password, stored) => verifyAuthgearPassword(password, stored),
  },
};

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
    io.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  try {
    const parsed = parseArgs(args);
    const scheme = schemes[parsed.schemeName];
    if (!scheme) throw new UsageError('Unknown scheme (see usage).');
    if (parsed.pepperFile !== undefined && !scheme.accepts.includes('pepper'))
      throw new UsageError(`${parsed.schemeName} takes no --pepper-file.`);
    if (parsed.rounds !== undefined && !scheme.accepts.includes('rounds'))
      throw new UsageError(`${parsed.schemeName} takes no --rounds.`);
    if (parsed.rounds !== undefined && parsed.verify)
      throw new UsageError('--rounds is read from the stored value when verifying; leave it out.');
    const options: SchemeOptions = { rounds: parsed.rounds };
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
      io.stderr.write(`breakglass hash: ${error.message}\n${USAGE}\n`);
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
