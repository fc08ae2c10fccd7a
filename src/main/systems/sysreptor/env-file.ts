/**
 * The env files of a SysReptor deploy folder (app.env, .env), read the way docker compose reads
 * them, but strictly: `KEY=value` lines, `#` comments, blank lines, an optional `export `,
 * single-quoted values taken literally, double-quoted ones with \\ \" \n \t escapes, unquoted
 * ones trimmed with a ` #` comment cut off. Anything else (no `=`, a bad name, a quote left
 * open, text after a closing quote) is refused with the file and line named, never the value.
 */

export class EnvFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}, line ${line}: ${reason}`);
    this.name = 'EnvFileError';
  }
}

const MAX_FILE_BYTES = 1024 * 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DOUBLE_QUOTED_ESCAPES: Record<string, string> = {
  '\\': '\\',
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  $: '$',
};

/** The variables of one env file; a later line wins over an earlier one, as in docker compose. */
export function parseEnvFile(text: string, file: string): Map<string, string> {
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES)
    throw new EnvFileError(
      file,
      1,
      `the file is larger than ${MAX_FILE_BYTES} bytes; this is not an env file.`,
    );
  if (text.includes('\u0000'))
    throw new EnvFileError(file, 1, 'the file holds NUL bytes; this is not an env file.');
  const variables = new Map<string, string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const equals = body.indexOf('=');
    if (equals < 0) throw new EnvFileError(file, lineNumber, 'expected NAME=value (no "=" on this line).');
    const name = body.slice(0, equals).trim();
    if (!NAME.test(name))
      throw new EnvFileError(
        file,
        lineNumber,
        'the variable name before "=" is not valid (letters, digits and underscores, not starting with a digit).',
      );
    variables.set(name, parseValue(body.slice(equals + 1).trimStart(), file, lineNumber, name));
  });
  return variables;
}

function parseValue(rest: string, file: string, line: number, name: string): string {
  const quote = rest[0];
  if (quote === "'" || quote === '"') {
    let value = '';
    let index = 1;
    for (; index < rest.length; index++) {
      const character = rest[index] as string;
      if (character === quote) break;
      if (quote === '"' && character === '\\') {
        const escaped = DOUBLE_QUOTED_ESCAPES[rest[index + 1] ?? ''];
        if (escaped === undefined)
          throw new EnvFileError(
            file,
            line,
            `${name}: unknown escape "\\${rest[index + 1] ?? ''}" in a double-quoted value.`,
          );
        value += escaped;
        index++;
        continue;
      }
      value += character;
    }
    if (index >= rest.length)
      throw new EnvFileError(
        file,
        line,
        `${name}: the ${quote === "'" ? 'single' : 'double'}-quoted value is not closed on this line (multi-line values are not supported).`,
      );
    const after = rest.slice(index + 1).trim();
    if (after !== '' && !after.startsWith('#'))
      throw new EnvFileError(file, line, `${name}: unexpected text after the closing quote.`);
    return value;
  }
  const comment = rest.search(/\s#/);
  return (comment >= 0 ? rest.slice(0, comment) : rest).trim();
}

/** Python decouple's `cast=bool`, which SysReptor's settings use; undefined for a value it refuses (SysReptor would not start). */
export function envBoolean(value: string | undefined, fallback: boolean): boolean | undefined {
  if (value === undefined) return fallback;
  const normalised = value.trim().toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(normalised)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0', ''].includes(normalised)) return false;
  return undefined;
}
