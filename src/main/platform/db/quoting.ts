/**
 * The one quoting function per dialect for what cannot be a parameter: identifiers everywhere, and
 * the password literal in password-change DDL. Input that no quoting can make safe is refused.
 */
import type { Dialect } from './types.js';
import { DbInputError } from './errors.js';

/** PostgreSQL silently truncates longer names (NAMEDATALEN - 1); SQL Server sysname is 128 characters; Oracle 12.2+ allows 128 bytes. */
const MAX_IDENTIFIER = {
  postgres: { bytes: 63 },
  mssql: { characters: 128 },
  oracle: { bytes: 128 },
} as const;

const DIALECT_NAMES: Record<Dialect, string> = {
  postgres: 'PostgreSQL',
  mssql: 'SQL Server',
  oracle: 'Oracle',
};

export function dialectName(dialect: Dialect): string {
  return DIALECT_NAMES[dialect];
}

function assertNoNul(value: string, field: string): void {
  if (value.includes('\u0000'))
    throw new DbInputError(
      field,
      `The ${field} contains a NUL character, which no database accepts there. Remove it.`,
    );
}

/**
 * One quoted identifier part. Oracle names are upper-cased first, matching what an unquoted name
 * means there; a `"` cannot appear in an Oracle quoted identifier at all.
 */
export function quoteIdentifier(dialect: Dialect, name: string, field = 'identifier'): string {
  if (name.length === 0) throw new DbInputError(field, `The ${field} is empty; give the object's name.`);
  assertNoNul(name, field);
  switch (dialect) {
    case 'postgres':
      if (Buffer.byteLength(name) > MAX_IDENTIFIER.postgres.bytes) {
        throw new DbInputError(
          field,
          `The ${field} is longer than PostgreSQL's ${MAX_IDENTIFIER.postgres.bytes}-byte limit for names; check it.`,
        );
      }
      return `"${name.replace(/"/g, '""')}"`;
    case 'mssql':
      if ([...name].length > MAX_IDENTIFIER.mssql.characters) {
        throw new DbInputError(
          field,
          `The ${field} is longer than SQL Server's ${MAX_IDENTIFIER.mssql.characters}-character limit for names; check it.`,
        );
      }
      return `[${name.replace(/]/g, ']]')}]`;
    case 'oracle': {
      if (name.includes('"'))
        throw new DbInputError(
          field,
          `The ${field} contains a double quote ("), which Oracle names cannot contain.`,
        );
      const upper = name.toUpperCase();
      if (Buffer.byteLength(upper) > MAX_IDENTIFIER.oracle.bytes) {
        throw new DbInputError(
          field,
          `The ${field} is longer than Oracle's ${MAX_IDENTIFIER.oracle.bytes}-byte limit for names; check it.`,
        );
      }
      return `"${upper}"`;
    }
  }
}

/** A string literal: PostgreSQL `'…'` (or `E'…'` when it holds a backslash, whatever standard_conforming_strings says), SQL Server `N'…'`. */
export function quoteStringLiteral(
  dialect: Exclude<Dialect, 'oracle'>,
  value: string,
  field = 'value',
): string {
  assertNoNul(value, field);
  const doubled = value.replace(/'/g, "''");
  if (dialect === 'mssql') return `N'${doubled}'`;
  return value.includes('\\') ? `E'${doubled.replace(/\\/g, '\\\\')}'` : `'${doubled}'`;
}

/** An Oracle password: a quoted string in which `"` cannot appear at all. */
export function quoteOraclePassword(value: string, field = 'password'): string {
  assertNoNul(value, field);
  if (value.includes('"')) {
    throw new DbInputError(
      field,
      `The ${field} contains a double quote ("), which an Oracle password cannot contain. Choose a password without it.`,
    );
  }
  return `"${value}"`;
}
