/**
 * Parameterised statements for every dialect from one tagged template:
 *   sql`UPDATE ${ident('dbo', 'OSSYS_USER')} SET ${ident('PASSWORD')} = ${secret(hash)} WHERE ${ident('ID')} = ${id}`
 * Values become placeholders ($1 / @p1 / :1); identifiers are quoted by the dialect's one quoting
 * function; `display` shows the statement as an admin reads it, literals inline and secrets masked.
 */
import { MASK } from '../../../shared/redact.js';
import { quoteIdentifier } from './quoting.js';
import type { Dialect, RenderedSql, SqlValue } from './types.js';

/** A secret parameter: sent to the server, never shown. */
export class SecretValue {
  constructor(readonly value: SqlValue) {}
}

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'value'; value: SqlValue; secret: boolean }
  | { kind: 'ident'; names: readonly string[] };

export class SqlFragment {
  constructor(readonly parts: readonly Part[]) {}
}

export type SqlInterpolation = SqlValue | SqlFragment | SecretValue;

export function sql(strings: TemplateStringsArray, ...values: SqlInterpolation[]): SqlFragment {
  const parts: Part[] = [];
  strings.forEach((text, index) => {
    if (text) parts.push({ kind: 'text', text });
    if (index >= values.length) return;
    const value = values[index] as SqlInterpolation;
    if (value instanceof SqlFragment) parts.push(...value.parts);
    else if (value instanceof SecretValue) parts.push({ kind: 'value', value: value.value, secret: true });
    else if (value === undefined)
      throw new TypeError(`sql: the value after "${text.slice(-40)}" is undefined; pass null for SQL NULL.`);
    else parts.push({ kind: 'value', value, secret: false });
  });
  return new SqlFragment(parts);
}

/** An identifier, e.g. ident('dbo', 'OSSYS_USER') → [dbo].[OSSYS_USER]; quoted when rendered. */
export function ident(...names: string[]): SqlFragment {
  if (names.length === 0) throw new TypeError('ident needs at least one name.');
  return new SqlFragment([{ kind: 'ident', names }]);
}

export function secret(value: SqlValue): SecretValue {
  return new SecretValue(value);
}

const DISPLAY_MAX_CHARACTERS = 200;

function placeholder(dialect: Dialect, position: number): string {
  if (dialect === 'postgres') return `$${position}`;
  if (dialect === 'mssql') return `@p${position}`;
  return `:${position}`;
}

/** How a literal reads in the dialect; for display only, the statement itself carries parameters. */
function displayLiteral(dialect: Dialect, value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean')
    return dialect === 'postgres' ? String(value).toUpperCase() : value ? '1' : '0';
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const characters = [...value];
  const shown =
    characters.length > DISPLAY_MAX_CHARACTERS
      ? `${characters.slice(0, DISPLAY_MAX_CHARACTERS).join('')}…(${characters.length} characters)`
      : value;
  const quoted = `'${shown.replace(/'/g, "''")}'`;
  return dialect === 'mssql' ? `N${quoted}` : quoted;
}

export function renderSql(fragment: SqlFragment, dialect: Dialect): RenderedSql {
  let text = '';
  let display = '';
  const params: SqlValue[] = [];
  for (const part of fragment.parts) {
    if (part.kind === 'text') {
      text += part.text;
      display += part.text;
    } else if (part.kind === 'ident') {
      const quoted = part.names.map((name) => quoteIdentifier(dialect, name)).join('.');
      text += quoted;
      display += quoted;
    } else {
      params.push(part.value);
      text += placeholder(dialect, params.length);
      display += part.secret ? MASK : displayLiteral(dialect, part.value);
    }
  }
  return { text, params, display };
}
