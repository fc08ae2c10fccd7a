/**
 * The practice app's settings file (`key = value` lines). Setting a value rewrites only that
 * line's value and keeps every other byte: line endings, comments, unicode, spacing.
 */
export const CONFIG_RELATIVE_PATH = 'practice-app/app.conf';

const LINE = /^([ \t]*)([A-Za-z_][A-Za-z0-9_.]*)([ \t]*=[ \t]*)([^\r\n]*?)([ \t]*)(\r?\n|$)/gm;

export function readSetting(text: string, key: string): string | undefined {
  for (const match of text.matchAll(LINE)) if (match[2] === key) return match[4];
  return undefined;
}

export function withSetting(text: string, key: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`A setting value cannot contain a line break (${key})`);
  let found = false;
  const updated = text.replace(
    LINE,
    (whole, indent: string, name: string, equals: string, _old: string, trailing: string, end: string) => {
      if (name !== key || found) return whole;
      found = true;
      return `${indent}${name}${equals}${value}${trailing}${end}`;
    },
  );
  if (!found)
    throw new Error(`The practice app's settings have no "${key}" line; reset the practice sandbox.`);
  return updated;
}
