/**
 * Synapse's admin and client APIs as a password reset uses them (rest/admin/users.py,
 * rest/client/login.py): the user's record, `POST /_synapse/admin/v1/reset_password/<id>`,
 * `PUT /_synapse/admin/v2/users/<id>` for a deactivated or locked user (only after the user was
 * found: that PUT creates unknown users), and the client login + logout that proves the password.
 * The admin token travels only in the Authorization header; every documented error answer gets
 * its own explanation.
 */
import { StepFailure } from '../../engine/types.js';
import { jsonBody, type HttpClient, type HttpResponse, type HttpTls } from '../../platform/http/types.js';

export interface SynapseApi {
  http: HttpClient;
  /** The client-API base (public_baseurl or a local listener), no trailing slash. */
  baseUrl: string;
  tls: HttpTls;
  adminToken: string;
  signal?: AbortSignal;
  journal: (line: string) => void;
  /** Every secret of the run, refused in URLs and masked in errors. */
  secrets: readonly string[];
}

export interface AdminUserRecord {
  name: string;
  admin: boolean;
  deactivated: boolean;
  locked: boolean;
}

/** What the call was for, so that the explanation fits (e.g. 404 on a lookup means no such user). */
type Purpose = 'lookup' | 'reset' | 'put' | 'login';

const userPath = (prefix: string, mxid: string) => `${prefix}/${encodeURIComponent(mxid)}`;

async function call(
  api: SynapseApi,
  method: 'GET' | 'POST' | 'PUT',
  pathname: string,
  options: { body?: unknown; token?: string } = {},
): Promise<HttpResponse> {
  const token = options.token ?? api.adminToken;
  const response = await api.http.request({
    method,
    url: `${api.baseUrl}${pathname}`,
    headers: { Authorization: `Bearer ${token}` },
    body: options.body,
    secrets: [...api.secrets, token],
    tls: api.tls,
    signal: api.signal,
    journal: api.journal,
  });
  api.journal(`${method} ${pathname} → ${response.status}`);
  return response;
}

function matrixError(response: HttpResponse): { errcode?: string; error?: string } {
  const body = jsonBody(response) as { errcode?: unknown; error?: unknown } | undefined;
  return {
    errcode: typeof body?.errcode === 'string' ? body.errcode : undefined,
    error: typeof body?.error === 'string' ? body.error : undefined,
  };
}

/** The explanation and fix for an error answer of Synapse's admin or client API. */
export function explainSynapseError(response: HttpResponse, purpose: Purpose, mxid: string): StepFailure {
  const { errcode, error } = matrixError(response);
  const said = `Synapse answered ${response.status}${errcode ? ` ${errcode}` : ''}${error ? ` ("${error}")` : ''}`;
  switch (response.status) {
    case 400:
      return new StepFailure(
        `${said}: the request was refused as malformed or not allowed for ${mxid}` +
          (errcode === 'M_MISSING_PARAM' ? ' (a required field was missing).' : '.') +
          (purpose === 'put'
            ? ' PUT v2/users takes a password of at most 512 characters and only local users.'
            : ''),
        'Check the MXID is a local user of this server and the password is at most 512 characters; then retry.',
      );
    case 401:
      if (purpose === 'login')
        return new StepFailure(
          errcode === 'M_USER_LOCKED'
            ? `${said}: ${mxid} is locked, so the login is refused although the password was set.`
            : `${said}: the login was refused.`,
          errcode === 'M_USER_LOCKED'
            ? 'Plan again with unlock: true.'
            : 'Retry; check the password was set.',
        );
      return new StepFailure(
        `${said}: the admin token is missing, unknown, expired or logged out` +
          (errcode === 'M_MISSING_TOKEN'
            ? ' (no token reached Synapse: a proxy may strip the Authorization header).'
            : '.'),
        'Get a fresh access token of a server admin (Element: Settings > Help & About > Access Token, or a password login of the admin), then plan again.',
      );
    case 403:
      if (purpose === 'login')
        return new StepFailure(
          errcode === 'M_USER_DEACTIVATED'
            ? `${said}: ${mxid} is deactivated, so the login is refused although the password was set.`
            : `${said}: the new password was not accepted at login.`,
          errcode === 'M_USER_DEACTIVATED'
            ? 'Plan again with reactivate: true.'
            : 'Check homeserver.yaml password_config and password providers.',
        );
      if (error === 'Password change disabled')
        return new StepFailure(
          `${said}: this homeserver does not allow password changes (password_config.enabled is false or only_for_reauth, or localdb_enabled is false), or Matrix Authentication Service manages passwords.`,
          'Passwords are not kept by Synapse here: change them where logins are checked (MAS, SSO or the password provider), or enable password_config and restart Synapse.',
        );
      return new StepFailure(
        `${said}: the token belongs to a user who is not a server admin.`,
        "Use an admin's access token (users.admin = 1), then plan again.",
      );
    case 404:
      if (errcode === 'M_UNRECOGNIZED')
        return new StepFailure(
          `${said}: this Synapse does not serve the admin endpoint. The reset_password API is not registered when Matrix Authentication Service (MAS) handles logins; otherwise a reverse proxy does not forward /_synapse/admin.`,
          'Under MAS use path mas-admin-api or mas-database; otherwise point baseUrl at a listener that serves /_synapse/admin (e.g. http://127.0.0.1:8008).',
        );
      if (errcode === 'M_NOT_FOUND')
        return new StepFailure(
          `${said}: no user ${mxid} exists on this homeserver.`,
          'Check the MXID (localpart and server_name) as Synapse Admin lists it.',
        );
      return new StepFailure(
        `${said} without a Matrix error code: that is not Synapse answering but a web server or reverse proxy in front of it, which does not forward /_synapse/admin (the playbook does not expose it publicly by default).`,
        'Point baseUrl at a listener that reaches Synapse directly (e.g. http://127.0.0.1:8008 on the Synapse host), or enable the admin API on the proxy.',
      );
    default:
      return new StepFailure(
        `${said}.`,
        response.status >= 500
          ? 'Synapse failed: see its log (docker logs matrix-synapse / journalctl -u matrix-synapse), then retry.'
          : 'Retry, or use another path.',
      );
  }
}

/** GET /_synapse/admin/v2/users/<id>: the record, or undefined when Synapse has no such user. */
export async function fetchAdminUser(api: SynapseApi, mxid: string): Promise<AdminUserRecord | undefined> {
  const response = await call(api, 'GET', userPath('/_synapse/admin/v2/users', mxid));
  if (response.status === 404 && matrixError(response).errcode === 'M_NOT_FOUND') return undefined;
  if (response.status !== 200) throw explainSynapseError(response, 'lookup', mxid);
  const body = jsonBody(response) as Record<string, unknown> | undefined;
  if (!body || typeof body.name !== 'string')
    throw new StepFailure(
      `Synapse's answer to the user lookup is not a user record (status 200, no "name").`,
    );
  return {
    name: body.name,
    admin: body.admin === true || body.admin === 1,
    deactivated: body.deactivated === true || body.deactivated === 1,
    locked: body.locked === true,
  };
}

export async function resetPasswordV1(
  api: SynapseApi,
  mxid: string,
  newPassword: string,
  logoutDevices: boolean,
): Promise<void> {
  const response = await call(api, 'POST', userPath('/_synapse/admin/v1/reset_password', mxid), {
    body: { new_password: newPassword, logout_devices: logoutDevices },
  });
  if (response.status !== 200) throw explainSynapseError(response, 'reset', mxid);
}

/** PUT v2/users for an existing user: the password, plus reactivation and unlocking where asked. */
export async function putUserV2(
  api: SynapseApi,
  mxid: string,
  change: { password: string; logoutDevices: boolean; reactivate: boolean; unlock: boolean },
): Promise<void> {
  const response = await call(api, 'PUT', userPath('/_synapse/admin/v2/users', mxid), {
    body: {
      password: change.password,
      logout_devices: change.logoutDevices,
      ...(change.reactivate ? { deactivated: false } : {}),
      ...(change.unlock ? { locked: false } : {}),
    },
  });
  if (response.status === 201)
    throw new StepFailure(
      `Synapse CREATED a new user ${mxid} (201): it did not exist when the request was sent, although it was found just before.`,
      'Deactivate the new account in Synapse Admin if it was not wanted, and check the MXID.',
    );
  if (response.status !== 200) throw explainSynapseError(response, 'put', mxid);
}

/** Logs in with the password (m.login.password, the localpart as identifier), then logs that session out. */
export async function proveLogin(
  api: SynapseApi,
  mxid: string,
  localpart: string,
  password: string,
  addSecret: (value: string) => void,
): Promise<string> {
  const login = await api.http.request({
    method: 'POST',
    url: `${api.baseUrl}/_matrix/client/v3/login`,
    body: {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: localpart },
      password,
      initial_device_display_name: 'Breakglass verification',
    },
    secrets: [...api.secrets, password],
    tls: api.tls,
    signal: api.signal,
    journal: api.journal,
  });
  api.journal(`POST /_matrix/client/v3/login → ${login.status}`);
  if (login.status !== 200) throw explainSynapseError(login, 'login', mxid);
  const body = jsonBody(login) as
    { access_token?: unknown; user_id?: unknown; device_id?: unknown } | undefined;
  if (typeof body?.access_token !== 'string')
    throw new StepFailure('Synapse accepted the login but returned no access token.');
  addSecret(body.access_token);
  const logout = await call(api, 'POST', '/_matrix/client/v3/logout', { body: {}, token: body.access_token });
  if (logout.status !== 200)
    throw new StepFailure(
      `The login worked, but logging that verification session out answered ${logout.status}.`,
      `Remove the device "Breakglass verification" (${String(body.device_id ?? '?')}) of ${mxid} in Element or Synapse Admin.`,
    );
  return `${String(body.user_id ?? mxid)} logged in with the new password (device ${String(body.device_id ?? '?')}), then logged out.`;
}
