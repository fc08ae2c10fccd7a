/**
 * Turns a driver's connection error into what an admin can act on. Decided by error codes
 * (PostgreSQL SQLSTATE, SQL Server error numbers or their fixed message texts - tedious drops the
 * number on login errors -, Oracle ORA-/NJS- codes, Node socket codes); the message never contains
 * the password, and the driver's own text is passed through the redactor before it is shown.
 */
import { Redactor } from '../../../shared/redact.js';
import { dialectName } from './quoting.js';
import type { ConnectionFailureKind, DbSettings } from './types.js';

export interface ClassifiedFailure {
  kind: ConnectionFailureKind;
  message: string;
}

interface DriverError {
  code?: unknown;
  number?: unknown;
  errorNum?: unknown;
  message?: unknown;
  originalError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
  'EADDRNOTAVAIL',
]);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
]);

/** Every code-like and message-like thing on the error and the errors it wraps. */
function collect(error: unknown): { codes: Set<string>; numbers: Set<number>; messages: string[] } {
  const codes = new Set<string>();
  const numbers = new Set<number>();
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 4) return;
    seen.add(value);
    const candidate = value as DriverError;
    if (typeof candidate.code === 'string') codes.add(candidate.code);
    if (typeof candidate.number === 'number') numbers.add(candidate.number);
    if (typeof candidate.errorNum === 'number') numbers.add(candidate.errorNum);
    if (typeof candidate.message === 'string') {
      messages.push(candidate.message);
      for (const match of candidate.message.matchAll(/\b(ORA|NJS|TNS)-0*([0-9]{1,5})\b/g))
        codes.add(`${match[1]}-${(match[2] ?? '').padStart(match[1] === 'NJS' ? 3 : 5, '0')}`);
    }
    visit(candidate.originalError, depth + 1);
    visit(candidate.cause, depth + 1);
    if (Array.isArray(candidate.errors)) for (const inner of candidate.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return { codes, numbers, messages };
}

function where(settings: DbSettings): string {
  const port = settings.port ? `:${settings.port}` : '';
  const instance = settings.instance ? `\\${settings.instance}` : '';
  return `${settings.host}${instance}${port}`;
}

function driverText(error: unknown, settings: DbSettings): string {
  const { messages } = collect(error);
  const redactor = new Redactor([settings.password]);
  return redactor.redact((messages[0] ?? String(error)).split('\n')[0] ?? '').slice(0, 300);
}

function socketFailure(
  codes: Set<string>,
  messages: string[],
  settings: DbSettings,
): ClassifiedFailure | undefined {
  const product = dialectName(settings.dialect);
  if (
    [...codes].some((code) => TLS_CODES.has(code)) ||
    messages.some((text) => /certificate|SSL|TLS handshake/i.test(text) && !/password/i.test(text))
  ) {
    return {
      kind: 'tls',
      message: `The encrypted connection to ${product} at ${where(settings)} failed: the server's certificate is not trusted or TLS is set up differently on each side. Give the CA certificate, or allow the server's certificate explicitly if you trust this network.`,
    };
  }
  if (
    codes.has('ETIMEDOUT') ||
    codes.has('ETIMEOUT') ||
    messages.some((text) => /timeout|timed out/i.test(text))
  ) {
    return {
      kind: 'timeout',
      message: `${product} at ${where(settings)} did not answer in time. Check that the host and port are right and that no firewall drops the connection.`,
    };
  }
  if (codes.has('ENOTFOUND') || codes.has('EAI_AGAIN')) {
    return {
      kind: 'unreachable',
      message: `The host name ${settings.host} cannot be resolved. Check the spelling, or use the server's IP address.`,
    };
  }
  if ([...codes].some((code) => UNREACHABLE_CODES.has(code)) || codes.has('ESOCKET')) {
    return {
      kind: 'unreachable',
      message: `Nothing accepts connections at ${where(settings)}. Check that ${product} is running, listens on TCP at that address and port, and that a firewall lets this machine through.`,
    };
  }
  return undefined;
}

function postgresFailure(error: unknown, settings: DbSettings): ClassifiedFailure {
  const { codes, messages } = collect(error);
  if (codes.has('28P01')) {
    return {
      kind: 'login-failed',
      message: `PostgreSQL at ${where(settings)} refused the password for role "${settings.user}". Check the user name and password (an expired VALID UNTIL also shows as this).`,
    };
  }
  if (codes.has('28000')) {
    return {
      kind: 'login-failed',
      message: `PostgreSQL at ${where(settings)} does not allow role "${settings.user}" to log in from this machine${settings.database ? ` to database "${settings.database}"` : ''} (pg_hba.conf, or the role lacks LOGIN). Check pg_hba.conf and the role.`,
    };
  }
  if (codes.has('3D000'))
    return {
      kind: 'database-missing',
      message: `Database "${settings.database ?? ''}" does not exist on PostgreSQL at ${where(settings)}. Check the database name.`,
    };
  if (codes.has('42501')) {
    return {
      kind: 'permission-missing',
      message: `Role "${settings.user}" lacks a permission this step needs on PostgreSQL at ${where(settings)} (e.g. CONNECT on the database). Grant it, or use a role that has it.`,
    };
  }
  if (messages.some((text) => /does not support SSL/i.test(text))) {
    return {
      kind: 'tls',
      message: `PostgreSQL at ${where(settings)} does not accept encrypted connections. Turn TLS off for this connection, or enable ssl on the server.`,
    };
  }
  return (
    socketFailure(codes, messages, settings) ?? {
      kind: 'unknown',
      message: `Could not connect to PostgreSQL at ${where(settings)}: ${driverText(error, settings)}`,
    }
  );
}

const MSSQL_MESSAGES: Array<[RegExp, number]> = [
  [/password of the account has expired/i, 18487],
  [/password of the account must be changed/i, 18488],
  [/account is currently locked out/i, 18486],
  [/Cannot open database .* requested by the login/i, 4060],
  [/Login failed for user/i, 18456],
];

function mssqlFailure(error: unknown, settings: DbSettings): ClassifiedFailure {
  const { codes, numbers, messages } = collect(error);
  for (const [pattern, number] of MSSQL_MESSAGES)
    if (messages.some((text) => pattern.test(text))) numbers.add(number);
  const login = `login "${settings.domain ? `${settings.domain}\\` : ''}${settings.user}"`;
  if (numbers.has(18487) || numbers.has(18488)) {
    return {
      kind: 'password-expired',
      message: `The password of ${login} on SQL Server ${where(settings)} has expired or must be changed. Change it (ALTER LOGIN ... WITH PASSWORD ... OLD_PASSWORD ...) or have a DBA reset it, then try again.`,
    };
  }
  if (numbers.has(18486)) {
    return {
      kind: 'account-locked',
      message: `${login} is locked out on SQL Server ${where(settings)} after too many failed logins. A DBA can unlock it: ALTER LOGIN [name] WITH PASSWORD = N'...' UNLOCK (or CHECK_POLICY = OFF, then ON again).`,
    };
  }
  if (numbers.has(4060)) {
    return {
      kind: 'database-missing',
      message: `${login} cannot open database "${settings.database ?? ''}" on SQL Server ${where(settings)}: it does not exist, or the login has no user in it. Check the catalog name and the login's mapping.`,
    };
  }
  if (numbers.has(18456) || codes.has('ELOGIN')) {
    return {
      kind: 'login-failed',
      message:
        `SQL Server ${where(settings)} refused ${login}. Check the user name and password. The server's error log says why (error 18456 state 8: wrong password; 5: no such login; ` +
        `38: database not available; 58: server accepts Windows authentication only).`,
    };
  }
  if (numbers.has(229) || numbers.has(15151) || numbers.has(15247)) {
    return {
      kind: 'permission-missing',
      message: `${login} lacks a permission this step needs on SQL Server ${where(settings)}. Grant it (e.g. ALTER ANY LOGIN), or use the self-change form with the current password.`,
    };
  }
  if (codes.has('EINSTLOOKUP')) {
    return {
      kind: 'unreachable',
      message: `Instance "${settings.instance ?? ''}" was not found on ${settings.host}: the SQL Server Browser service (UDP 1434) did not answer or does not know it. Give the instance's TCP port (HOST,PORT) instead, or start SQL Server Browser.`,
    };
  }
  return (
    socketFailure(codes, messages, settings) ?? {
      kind: 'unknown',
      message: `Could not connect to SQL Server ${where(settings)}: ${driverText(error, settings)}`,
    }
  );
}

function oracleFailure(error: unknown, settings: DbSettings): ClassifiedFailure {
  const { codes, messages } = collect(error);
  const user = `user ${settings.user.toUpperCase()}`;
  const at = settings.serviceName ? `${where(settings)}/${settings.serviceName}` : where(settings);
  if (codes.has('ORA-28001') || codes.has('ORA-28002')) {
    return {
      kind: 'password-expired',
      message: `The password of ${user} on Oracle ${at} has expired. Change it (ALTER USER ... IDENTIFIED BY ... REPLACE ...) or have a DBA reset it, then try again.`,
    };
  }
  if (codes.has('ORA-28000'))
    return {
      kind: 'account-locked',
      message: `${user} is locked on Oracle ${at}. A DBA can unlock it: ALTER USER name ACCOUNT UNLOCK.`,
    };
  if (codes.has('ORA-01017') || codes.has('ORA-01005'))
    return {
      kind: 'login-failed',
      message: `Oracle ${at} refused the user name or password for ${user}. Check both (Oracle 11g+ passwords are case-sensitive).`,
    };
  if (codes.has('ORA-01045') || codes.has('ORA-01031') || codes.has('ORA-01950')) {
    return {
      kind: 'permission-missing',
      message: `${user} lacks a privilege this step needs on Oracle ${at} (e.g. CREATE SESSION or ALTER USER). Grant it, or use the self-change form with the current password.`,
    };
  }
  if (codes.has('ORA-12514') || codes.has('NJS-518') || codes.has('ORA-12505') || codes.has('NJS-519')) {
    return {
      kind: 'database-missing',
      message: `The listener at ${where(settings)} does not know service "${settings.serviceName ?? ''}". Check the service name (lsnrctl status lists them).`,
    };
  }
  if (
    codes.has('ORA-12541') ||
    codes.has('NJS-511') ||
    codes.has('NJS-503') ||
    codes.has('NJS-500') ||
    codes.has('ORA-12543')
  ) {
    return {
      kind: 'unreachable',
      message: `No Oracle listener answers at ${where(settings)}. Check the host and port (default 1521), that the listener runs, and that a firewall lets this machine through.`,
    };
  }
  if (codes.has('ORA-12170') || codes.has('NJS-510') || codes.has('NJS-123') || codes.has('ORA-12535')) {
    return {
      kind: 'timeout',
      message: `Oracle at ${where(settings)} did not answer in time. Check the host and port and that no firewall drops the connection.`,
    };
  }
  if (
    codes.has('NJS-505') ||
    codes.has('NJS-506') ||
    codes.has('NJS-507') ||
    codes.has('NJS-508') ||
    codes.has('ORA-29024')
  ) {
    return {
      kind: 'tls',
      message: `The TCPS connection to Oracle at ${where(settings)} failed: the certificate is not trusted or does not match the host. Give the CA certificate, or check the listener's TCPS setup.`,
    };
  }
  return (
    socketFailure(codes, messages, settings) ?? {
      kind: 'unknown',
      message: `Could not connect to Oracle ${at}: ${driverText(error, settings)}`,
    }
  );
}

export function classifyConnectionError(error: unknown, settings: DbSettings): ClassifiedFailure {
  switch (settings.dialect) {
    case 'postgres':
      return postgresFailure(error, settings);
    case 'mssql':
      return mssqlFailure(error, settings);
    case 'oracle':
      return oracleFailure(error, settings);
  }
}
