/**
 * User and login names as the admin types them. A name that looks like `admin` but is not
 * (`admin` + a no-break space, a BOM before it, a zero-width space inside) must not reach a
 * lookup: trimming every Unicode space, or a database's case folding, would turn it into the real
 * `admin`. So only ASCII spaces and tabs are trimmed, and any other space, control or invisible
 * format character is refused, naming it. A name that is fine but matched a row whose name is not
 * exactly it (`ADMİN` finding `admin` through a case-insensitive collation) gets a plan warning.
 */
import { z } from 'zod';
import { printable } from '../../../shared/printable.js';

/**
 * Characters that are not what they look like in a name: C0/C1 controls, every space but the
 * ASCII one (NBSP, the U+2000 spaces, ideographic space...), and the Unicode format characters
 * (category Cf: BOM, ZWSP, ZWJ, soft hyphen, bidi controls...).
 */
const LOOK_ALIKE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

const NAMES: Record<number, string> = {
  0x09: 'a tab',
  0x0a: 'a line feed',
  0x0d: 'a carriage return',
  0x1b: 'an escape character',
  0xa0: 'a no-break space',
  0xad: 'a soft hyphen',
  0x200b: 'a zero-width space',
  0x200c: 'a zero-width non-joiner',
  0x200d: 'a zero-width joiner',
  0x2060: 'a word joiner',
  0x202f: 'a narrow no-break space',
  0x3000: 'an ideographic space',
  0xfeff: 'a byte order mark (BOM)',
};

/** Why the name is refused (the first such character, by code point and position), or undefined when it is fine. */
export function loginNameProblem(name: string): string | undefined {
  const characters = [...name];
  const index = characters.findIndex((character) => LOOK_ALIKE.test(character));
  if (index < 0) return undefined;
  const code = characters[index]?.codePointAt(0) ?? 0;
  const what =
    NAMES[code] ??
    (code < 0x20 || (code >= 0x7f && code <= 0x9f)
      ? 'a control character'
      : 'an invisible or non-ASCII space character');
  return `holds ${what} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at position ${index + 1}: a name holds no control characters, non-ASCII spaces or invisible characters, which pass for another name and would find another account or none. Retype the name (do not paste it)`;
}

/** ASCII spaces and tabs at either end: the only trimming a name gets. */
export function trimAsciiSpaces(name: string): string {
  return name.replace(/^[ \t]+|[ \t]+$/g, '');
}

export interface LoginNameOptions {
  /** Longest name the product stores. */
  max: number;
  maxMessage?: string;
  minMessage?: string;
  /** Trim ASCII spaces at the ends first (default true). */
  trim?: boolean;
}

/**
 * A zod string for a typed user or login name: look-alike characters refused (before any
 * trimming, so a trailing NBSP is seen), then ASCII spaces trimmed, then the lengths.
 */
export function loginNameSchema(options: LoginNameOptions): z.ZodString {
  const base = z.string().superRefine((value, ctx) => {
    const problem = loginNameProblem(options.trim === false ? value : trimAsciiSpaces(value));
    if (problem) ctx.addIssue({ code: 'custom', message: problem, abort: true });
  });
  const trimmed = options.trim === false ? base : base.overwrite(trimAsciiSpaces);
  return trimmed
    .min(1, options.minMessage ?? 'enter the name')
    .max(options.max, options.maxMessage ?? `use at most ${options.max} characters`);
}

/** A name as a plan or a log shows it: quoted, escapes visible, and any non-ASCII character named by code point. */
export function showName(name: string): string {
  const nonAscii = [...new Set([...name].filter((character) => (character.codePointAt(0) ?? 0) > 0x7e))];
  const codes = nonAscii.map(
    (character) => `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
  return `"${printable(name)}"${codes.length > 0 ? ` (non-ASCII: ${codes.join(', ')})` : ''}`;
}

/**
 * The warning for a lookup whose row is not named exactly as typed (case folded, trailing spaces
 * ignored, a look-alike letter folded by the database's collation); undefined when it is exact.
 */
export function nameMatchWarning(typed: string, stored: string, what = 'user'): string | undefined {
  if (typed === stored) return undefined;
  return `The ${what} found is named ${showName(stored)}, not exactly ${showName(typed)} as typed: the database matched it by its own comparison (case, trailing spaces or a look-alike letter). Check that it is the account you mean before going on.`;
}
