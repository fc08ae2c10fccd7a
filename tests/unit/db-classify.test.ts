// Failure classification from driver errors in the shapes the drivers raise them (tedious ConnectionError
// with the server's fixed message texts - tedious drops the error number on login -, oracledb's ORA-/NJS- errors).
import { ConnectionError } from 'tedious';
import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from '../../src/main/platform/db/classify.js';
import type { DbSettings } from '../../src/main/platform/db/types.js';

const PASSWORD = 'Sup3r-Secret-Pw';
const mssql: DbSettings = {
  dialect: 'mssql',
  host: 'db01',
  instance: 'OS',
  database: 'outsystems',
  authentication: 'sql',
  user: 'osadmin',
  password: PASSWORD,
};
const oracle: DbSettings = {
  dialect: 'oracle',
  host: 'ora01',
  port: 1521,
  serviceName: 'OSPROD',
  authentication: 'sql',
  user: 'osadmin',
  password: PASSWORD,
};

/** mssql wraps tedious' error: same message and code, the original kept as originalError. */
function mssqlError(message: string, code: string, cause?: object): Error {
  const original = new ConnectionError(message, code, cause ? { cause } : undefined);
  return Object.assign(new Error(message), { name: 'ConnectionError', code, originalError: original });
}

function oracleError(message: string): Error {
  const code = /^([A-Z]+-[0-9]+)/.exec(message)?.[1];
  const errorNum = code?.startsWith('ORA-') ? Number(code.slice(4)) : undefined;
  return Object.assign(new Error(message), { code, errorNum });
}

describe('SQL Server failures', () => {
  it.each([
    ["Login failed for user 'osadmin'.", 'login-failed', /18456 state 8: wrong password/],
    [
      "Login failed for user 'osadmin'. Reason: The password of the account has expired.",
      'password-expired',
      /has expired or must be changed/,
    ],
    [
      "Login failed for user 'osadmin'. Reason: The password of the account must be changed.",
      'password-expired',
      /OLD_PASSWORD/,
    ],
    [
      "Login failed for user 'osadmin' because the account is currently locked out. The system administrator can unlock it. ",
      'account-locked',
      /UNLOCK/,
    ],
    [
      'Cannot open database "outsystems" requested by the login. The login failed.',
      'database-missing',
      /database "outsystems"/,
    ],
  ])('%s → %s', (message, kind, advice) => {
    const result = classifyConnectionError(mssqlError(message, 'ELOGIN'), mssql);
    expect(result.kind).toBe(kind);
    expect(result.message).toMatch(advice);
    expect(result.message).toContain('db01\\OS');
    expect(result.message).not.toContain(PASSWORD);
  });

  it('socket, TLS, timeout and instance-lookup failures', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:1433'), { code: 'ECONNREFUSED' });
    expect(
      classifyConnectionError(
        mssqlError('Failed to connect to db01:1433 - connect ECONNREFUSED 10.0.0.5:1433', 'ESOCKET', refused),
        mssql,
      ).kind,
    ).toBe('unreachable');
    const selfSigned = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(
      classifyConnectionError(
        mssqlError('Failed to connect to db01:1433 - self-signed certificate', 'ESOCKET', selfSigned),
        mssql,
      ).kind,
    ).toBe('tls');
    expect(
      classifyConnectionError(mssqlError('Failed to connect to db01\\OS in 10000ms', 'ETIMEOUT'), mssql).kind,
    ).toBe('timeout');
    const lookup = classifyConnectionError(
      mssqlError('Failed to get response from SQL Server Browser on db01', 'EINSTLOOKUP'),
      mssql,
    );
    expect(lookup).toMatchObject({ kind: 'unreachable' });
    expect(lookup.message).toMatch(/SQL Server Browser.*HOST,PORT/);
  });

  it('unknown errors pass the driver text through the redactor', () => {
    const result = classifyConnectionError(
      mssqlError(`weird failure mentioning ${PASSWORD}`, 'EUNKNOWN'),
      mssql,
    );
    expect(result.kind).toBe('unknown');
    expect(result.message).toContain('weird failure mentioning ********');
  });
});

describe('Oracle failures', () => {
  it.each([
    [
      'ORA-01017: invalid credential or not authorized; logon denied\nHelp: https://docs.oracle.com/error-help/db/ora-01017/',
      'login-failed',
    ],
    ['ORA-28000: The account is locked.', 'account-locked'],
    ['ORA-28001: the password has expired', 'password-expired'],
    [
      'NJS-518: cannot connect to Oracle Database. Service "OSPROD" is not registered with the listener at host ora01 port 1521. (CONNECTION_ID=abc)',
      'database-missing',
    ],
    [
      'ORA-12514: Cannot connect to database. Service OSPROD is not registered with the listener at host ora01 port 1521.',
      'database-missing',
    ],
    [
      'NJS-511: connection to listener at host 10.0.0.9 port 1521 was refused. (CONNECTION_ID=x)\nCause: ORA-12541',
      'unreachable',
    ],
    [
      'NJS-503: connection to host ora01 port 1521 could not be established. (CONNECTION_ID=x)\nError: connect ECONNREFUSED',
      'unreachable',
    ],
    [
      'NJS-510: connection to host ora01 port 1521 timed out. Request exceeded "connectTimeout" of 10 seconds. (CONNECTION_ID=x)',
      'timeout',
    ],
    ['ORA-12170: Cannot connect. TCP connect timeout of 10s for host ora01 port 1521.', 'timeout'],
    [
      'NJS-506: connection to host ora01 port 2484 encountered TLS handshake failure. (CONNECTION_ID=x)\nself-signed certificate',
      'tls',
    ],
    ['ORA-01045: Login denied. User OSADMIN does not have CREATE SESSION privilege.', 'permission-missing'],
  ])('%s → %s', (message, kind) => {
    const result = classifyConnectionError(oracleError(message), oracle);
    expect(result.kind).toBe(kind);
    expect(result.message).not.toContain(PASSWORD);
  });
});
