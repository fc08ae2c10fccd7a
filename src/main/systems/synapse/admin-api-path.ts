/**
 * Synapse's admin API path (seed 004 option 3, on the current v1 endpoint): the user is looked up
 * first (GET v2/users), then `POST v1/reset_password` with logout_devices, or `PUT v2/users` when
 * a deactivated or locked user is to be reactivated / unlocked too; the client login proves it.
 * Synapse hashes the password itself, so nothing here can be undone: the old hash never leaves it.
 */
import type { Fact } from '../../../shared/procedure.js';
import { StepFailure, type Environment, type StepContext, type StepDefinition } from '../../engine/types.js';
import { describeTls } from '../../platform/http/tls-input.js';
import type { HttpTls } from '../../platform/http/types.js';
import {
  fetchAdminUser,
  proveLogin,
  putUserV2,
  resetPasswordV1,
  type AdminUserRecord,
  type SynapseApi,
} from './admin-api.js';
import type { Homeserver } from './homeserver.js';
import type { Mxid } from './mxid.js';

export interface AdminApiPathOptions {
  homeserver: Homeserver;
  mxid: Mxid;
  baseUrl: string;
  tls: HttpTls;
  adminToken: string;
  newPassword: string;
  logoutDevices: boolean;
  unlock: boolean;
  reactivate: boolean;
}

function apiFor(
  options: ApiOptions,
  env: Environment,
  journal: (line: string) => void,
  signal?: AbortSignal,
): SynapseApi {
  return {
    http: env.http,
    baseUrl: options.baseUrl,
    tls: options.tls,
    adminToken: options.adminToken,
    signal,
    journal,
    secrets: [options.adminToken, options.newPassword, ...options.homeserver.secrets].filter(Boolean),
  };
}

function stepApi(options: ApiOptions, ctx: StepContext): SynapseApi {
  if (options.adminToken) ctx.addSecret(options.adminToken);
  options.homeserver.secrets.forEach((value) => ctx.addSecret(value));
  return apiFor(options, ctx.env, (line) => ctx.log(line), ctx.signal);
}

/** What reaching the API needs (the verify step also runs for the playbook path, with no admin token). */
type ApiOptions = Pick<AdminApiPathOptions, 'homeserver' | 'baseUrl' | 'tls' | 'adminToken' | 'newPassword'>;

/** The user as the API shows it, refusing what the reset alone cannot fix. */
function checkRecord(record: AdminUserRecord | undefined, options: AdminApiPathOptions): AdminUserRecord {
  if (!record)
    throw new StepFailure(
      `Synapse has no user ${options.mxid.full} (GET /_synapse/admin/v2/users answered 404 M_NOT_FOUND). Nothing was sent that could create it.`,
      'Check the MXID (localpart and server_name) as Synapse Admin lists it.',
    );
  if (record.deactivated && !options.reactivate)
    throw new StepFailure(
      `${record.name} is deactivated: a reset would answer 200 but its login stays refused (403 M_USER_DEACTIVATED).`,
      'Plan again with reactivate: true (PUT v2/users sets the password and reactivates; its email addresses were removed at deactivation and are not restored).',
    );
  if (record.locked && !options.unlock)
    throw new StepFailure(
      `${record.name} is locked: its login stays refused (401 M_USER_LOCKED) whatever the password.`,
      'Plan again with unlock: true (PUT v2/users sets the password and unlocks).',
    );
  return record;
}

/** Read-only look while planning: the user's record, or why the API could not be asked. */
export async function previewAdminApi(
  options: AdminApiPathOptions,
  env: Environment,
): Promise<{ facts: Fact[]; record?: AdminUserRecord; missing: boolean }> {
  const facts: Fact[] = [
    {
      label: 'Admin API',
      value: `${options.baseUrl}/_synapse/admin (token in the Authorization header)`,
      status: 'info',
    },
    {
      label: 'TLS',
      value: options.baseUrl.startsWith('https:') ? describeTls(options.tls) : 'none (plain HTTP)',
      status: options.baseUrl.startsWith('https:') ? 'ok' : 'warn',
    },
  ];
  try {
    const record = await fetchAdminUser(
      apiFor(options, env, () => undefined),
      options.mxid.full,
    );
    facts.push(
      record
        ? {
            label: `User ${options.mxid.full}`,
            value: `${record.admin ? 'server admin, ' : ''}${record.deactivated ? 'DEACTIVATED' : 'active'}${record.locked ? ', LOCKED' : ''}`,
            status: record.deactivated || record.locked ? 'warn' : 'ok',
          }
        : { label: `User ${options.mxid.full}`, value: 'does not exist (404 M_NOT_FOUND)', status: 'error' },
    );
    return { facts, record, missing: record === undefined };
  } catch (error) {
    facts.push({
      label: 'Admin API',
      value: `could not be asked while planning: ${(error as Error).message}`,
      status: 'error',
    });
    return { facts, missing: false };
  }
}

/** PUT v2/users is needed only to lift a deactivation or lock; otherwise the v1 reset, which has no password-length limit. */
function needsPut(record: AdminUserRecord, options: AdminApiPathOptions): boolean {
  return (options.reactivate && record.deactivated) || (options.unlock && record.locked);
}

export function adminApiSteps(options: AdminApiPathOptions): StepDefinition[] {
  const { mxid } = options;
  const userUrl = `${options.baseUrl}/_synapse/admin/v2/users/${encodeURIComponent(mxid.full)}`;
  return [
    {
      id: 'find-user-api',
      kind: 'check',
      title: `Look ${mxid.full} up through the admin API`,
      describe: () => ({
        summary: `GET ${userUrl} with the admin token: the user must exist (PUT v2/users would create an unknown user), and be active and unlocked unless that is to be lifted too.`,
      }),
      async run(ctx) {
        const record = checkRecord(await fetchAdminUser(stepApi(options, ctx), mxid.full), options);
        ctx.log(
          `Found ${record.name} (${record.deactivated ? 'deactivated' : 'active'}${record.locked ? ', locked' : ''}).`,
        );
      },
    },
    {
      id: 'reset-password-api',
      kind: 'change',
      title: `Set the new password of ${mxid.full} through the admin API`,
      describe: () => ({
        summary:
          options.reactivate || options.unlock
            ? `PUT ${userUrl} {"password", "logout_devices": ${options.logoutDevices}${options.reactivate ? ', "deactivated": false' : ''}${options.unlock ? ', "locked": false' : ''}} when the user is ${[options.reactivate ? 'deactivated' : '', options.unlock ? 'locked' : ''].filter(Boolean).join(' or ')}; else POST ${options.baseUrl}/_synapse/admin/v1/reset_password/${encodeURIComponent(mxid.full)} {"new_password", "logout_devices": ${options.logoutDevices}}.`
            : `POST ${options.baseUrl}/_synapse/admin/v1/reset_password/${encodeURIComponent(mxid.full)} {"new_password", "logout_devices": ${options.logoutDevices}}.`,
        details: [
          'Synapse hashes the password itself (its pepper and rounds) and checks no password policy on this endpoint.',
          options.logoutDevices
            ? "logout_devices: true — every device and access/refresh token of the user is deleted (except one whose device ID equals the admin's own), so all its clients are logged out."
            : 'logout_devices: false — existing sessions of the user stay logged in.',
          'The user is looked up again just before, so an unknown user is never created.',
        ],
        undo: 'None: Synapse never returns the old hash. To go back, set another password.',
      }),
      async run(ctx) {
        const api = stepApi(options, ctx);
        const record = checkRecord(await fetchAdminUser(api, mxid.full), options);
        if (needsPut(record, options)) {
          await putUserV2(api, mxid.full, {
            password: options.newPassword,
            logoutDevices: options.logoutDevices,
            reactivate: options.reactivate,
            unlock: options.unlock,
          });
          ctx.log(
            `PUT v2/users: password set${options.reactivate ? ', reactivated' : ''}${options.unlock ? ', unlocked' : ''}.`,
          );
        } else {
          await resetPasswordV1(api, mxid.full, options.newPassword, options.logoutDevices);
          ctx.log(
            `reset_password: password set${options.logoutDevices ? '; the user was logged out everywhere' : ''}.`,
          );
        }
      },
    },
    verifyLoginStep(options),
  ];
}

/** Logs in through the client API with the new password, then logs that session out (needs no admin token). */
export function verifyLoginStep(
  options: Pick<
    AdminApiPathOptions,
    'homeserver' | 'mxid' | 'baseUrl' | 'tls' | 'adminToken' | 'newPassword'
  >,
): StepDefinition {
  const { mxid } = options;
  return {
    id: 'verify-login',
    kind: 'verify',
    title: 'Log in with the new password, then log that session out',
    describe: () => ({
      summary: `POST ${options.baseUrl}/_matrix/client/v3/login (m.login.password as "${mxid.localpart}"), then POST /_matrix/client/v3/logout with the token it returned.`,
    }),
    async run(ctx) {
      ctx.addSecret(options.newPassword);
      ctx.log(
        await proveLogin(stepApi(options, ctx), mxid.full, mxid.localpart, options.newPassword, (value) =>
          ctx.addSecret(value),
        ),
      );
    },
  };
}
