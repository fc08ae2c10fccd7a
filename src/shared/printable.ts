/**
 * Text from outside (a user name, a key from an input file, a row of the database) made safe to
 * show: control characters (which a terminal acts on: ESC sequences, CR rewriting the line, LF
 * forging one), bidi overrides and invisible format characters are written as escapes
 * (`\x1b`, `\r`, `\u200b`), so what is shown is what is there.
 */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\x1b' };

/** One line: every unprintable character escaped, line breaks included. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => {
    const named = NAMED[character];
    if (named) return named;
    const code = character.codePointAt(0) ?? 0;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
