/**
 * Authgear's Admin API (GraphQL at /_api/admin/graphql) as the reset needs it. Each request
 * carries a fresh RS256 JWT signed offline with a key of `admin-api.auth` (pkg/lib/admin/authz:
 * `kid` of the key, `aud` = the app id, `iat` now, `exp` 5 minutes later, as Authgear's own client
 * signs). Signing uses node:crypto over the JWK; the JWT travels only in the Authorization header.
 * A refused JWT (HTTP 403 "Forbidden") and GraphQL errors become StepFailures that say what to do.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { StepFailure } from '../../engine/types.js';
import { HttpError } from '../../platform/http/errors.js';
import { jsonBody, type HttpClient, type HttpTls } from '../../platform/http/types.js';
import type { AdminApiJwk } from './config.js';
import type { LoginIdKey } from './store.js';

export const JWT_LIFETIME_SECONDS = 300;

export interface AdminApiTarget {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:3002/_api/admin/graphql. */
  endpoint: string;
  appId: string;
  key: AdminApiJwk;
  tls: HttpTls;
  /**
   * The Host header to send instead of the endpoint's. A server with CONFIG_SOURCE_TYPE=database
   * finds the app by the request's host (port dropped) in its `_portal_domain` table, so the
   * admin listener's own address is "app not found" there.
   */
  host?: string;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** The Admin API JWT: header {alg RS256, typ JWT, kid}, claims {aud, iat, exp}. */
export function signAdminApiJwt(key: AdminApiJwk, appId: string, now = new Date()): string {
  const iat = Math.floor(now.getTime() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const claims = base64url(JSON.stringify({ aud: appId, iat, exp: iat + JWT_LIFETIME_SECONDS }));
  const privateKey = createPrivateKey({ key: { ...key }, format: 'jwk' });
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), privateKey);
  return `${header}.${claims}.${base64url(signature)}`;
}

/** The secrets of one request: the JWT and the key's private parts, for URL refusal and masking. */
export function keySecrets(key: AdminApiJwk): string[] {
  return [key.d, key.p, key.q, key.dp, key.dq, key.qi].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
}

export interface AdminApiAuthenticator {
  id: string;
  type: string;
  kind: string;
  isDefault: boolean;
  expireAfter: string | null;
  updatedAt: string | null;
}

export interface AdminApiUser {
  /** The node id: base64url("User:<uuid>"), no padding. */
  id: string;
  isDisabled: boolean;
  disableReason: string | null;
  isAnonymized: boolean;
  authenticators: AdminApiAuthenticator[];
}

export function primaryPasswordsOf(user: AdminApiUser): AdminApiAuthenticator[] {
  return user.authenticators.filter(
    (authenticator) => authenticator.type === 'PASSWORD' && authenticator.kind === 'PRIMARY',
  );
}

export const USER_FIELDS =
  'id isDisabled disableReason isAnonymized authenticators { edges { node { id type kind isDefault expireAfter updatedAt } } }';

export const OPERATIONS = {
  getUser: `query breakglassGetUser($loginIDKey: String!, $loginIDValue: String!) { getUserByLoginID(loginIDKey: $loginIDKey, loginIDValue: $loginIDValue) { ${USER_FIELDS} } }`,
  resetPassword:
    'mutation breakglassResetPassword($userID: ID!, $password: String!, $sendPassword: Boolean, $setPasswordExpired: Boolean) { resetPassword(input: { userID: $userID, password: $password, sendPassword: $sendPassword, setPasswordExpired: $setPasswordExpired }) { user { id } } }',
  setPasswordExpired:
    'mutation breakglassSetPasswordExpired($userID: ID!, $expired: Boolean!) { setPasswordExpired(input: { userID: $userID, expired: $expired }) { user { id } } }',
  revokeAllSessions:
    'mutation breakglassRevokeAllSessions($userID: ID!) { revokeAllSessions(input: { userID: $userID }) { user { id } } }',
  setDisabledStatus:
    'mutation breakglassSetDisabledStatus($userID: ID!, $isDisabled: Boolean!, $reason: String) { setDisabledStatus(input: { userID: $userID, isDisabled: $isDisabled, reason: $reason }) { user { id isDisabled } } }',
  resetAccountLockout:
    'mutation breakglassResetAccountLockout($userID: ID!) { resetAccountLockout(input: { userID: $userID }) { user { id } } }',
} as const;

interface GraphqlError {
  message?: string;
  extensions?: { errorName?: string; reason?: string; info?: unknown };
}

/** GraphQL errors Authgear answered (HTTP 200 with `errors`). */
export class AdminApiGraphqlError extends StepFailure {
  constructor(
    readonly errors: GraphqlError[],
    message: string,
    fix: string,
  ) {
    super(message, fix);
    this.name = 'AdminApiGraphqlError';
  }

  get reasons(): string[] {
    return this.errors.map((error) => error.extensions?.reason ?? error.extensions?.errorName ?? '');
  }
}

export interface CallOptions {
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Values never to be sent in a URL and masked in errors (the password). */
  secrets: readonly string[];
}

export class AuthgearAdminApi {
  constructor(
    private readonly http: HttpClient,
    private readonly target: AdminApiTarget,
    private readonly call: CallOptions,
  ) {}

  async graphql(
    operation: keyof typeof OPERATIONS,
    variables: Record<string, unknown>,
    action: string,
  ): Promise<Record<string, unknown>> {
    const jwt = signAdminApiJwt(this.target.key, this.target.appId);
    const query = OPERATIONS[operation];
    let response;
    try {
      response = await this.http.request({
        method: 'POST',
        url: this.target.endpoint,
        headers: {
          authorization: `Bearer ${jwt}`,
          ...(this.target.host !== undefined ? { host: this.target.host } : {}),
        },
        body: { operationName: /^(?:query|mutation) (\w+)/.exec(query)?.[1], query, variables },
        secrets: [jwt, ...keySecrets(this.target.key), ...this.call.secrets],
        tls: this.target.tls,
        signal: this.call.signal,
        journal: this.call.log,
      });
    } catch (error) {
      if (error instanceof HttpError)
        throw new StepFailure(
          `Authgear's Admin API cannot be used to ${action}: ${error.message}`,
          'Check that the admin server runs (ADMIN_LISTEN_ADDR, default port 3002) and that adminApiUrl reaches it from this machine; when it cannot be reached at all, use the database path.',
        );
      throw error;
    }
    this.call.log(`POST ${new URL(this.target.endpoint).pathname} (${operation}) → ${response.status}`);
    if (response.status === 403)
      throw new StepFailure(
        `Authgear's Admin API refused the signed JWT (HTTP 403 ${response.body.trim().slice(0, 40)}) when trying to ${action}.`,
        `The key (kid "${this.target.key.kid}") must be in the server's admin-api.auth key set, the app id "${this.target.appId}" must be this server's app (the JWT's aud), and this machine's clock must be within 5 minutes of the server's.`,
      );
    const json = jsonBody(response) as
      | {
          data?: Record<string, unknown> | null;
          errors?: GraphqlError[];
          error?: { name?: string; reason?: string; message?: string };
        }
      | undefined;
    if (response.status === 404 && response.body.trim() === 'app not found')
      throw new StepFailure(
        `Authgear answered "app not found" for Host ${this.target.host ?? new URL(this.target.endpoint).host} when trying to ${action}: this server keeps its config in the database (CONFIG_SOURCE_TYPE=database) and finds the app by the request's host.`,
        `Set adminApiHost to one of app "${this.target.appId}"'s domains (SELECT domain FROM _portal_domain WHERE app_id = '${this.target.appId}'), then plan again.`,
      );
    if (response.status === 404)
      throw new StepFailure(
        `Authgear answered "not found" at ${this.target.endpoint} when trying to ${action}${json?.error?.message ? ` (${json.error.message})` : ''}.`,
        'Check adminApiUrl (the path is /_api/admin/graphql).',
      );
    if (response.status !== 200 || !json)
      throw new StepFailure(
        `Authgear's Admin API answered HTTP ${response.status} when trying to ${action}${json?.error ? ` (${json.error.name ?? ''} ${json.error.reason ?? ''}: ${json.error.message ?? ''})` : ''}.`,
        response.status >= 500
          ? "Read the admin server's log, then retry."
          : 'Check adminApiUrl, then retry.',
      );
    if (json.errors && json.errors.length > 0) throw explainGraphqlErrors(json.errors, action);
    return json.data ?? {};
  }

  async userByLoginId(key: LoginIdKey, value: string): Promise<AdminApiUser | null> {
    const data = await this.graphql(
      'getUser',
      { loginIDKey: key, loginIDValue: value },
      `look up the user by ${key}`,
    );
    return asUser(data.getUserByLoginID);
  }
}

export function asUser(value: unknown): AdminApiUser | null {
  if (value === null || value === undefined) return null;
  const user = value as {
    id?: unknown;
    isDisabled?: unknown;
    disableReason?: unknown;
    isAnonymized?: unknown;
    authenticators?: { edges?: Array<{ node?: Record<string, unknown> }> };
  };
  if (typeof user.id !== 'string')
    throw new StepFailure('The Admin API answered with something that is not a user.');
  return {
    id: user.id,
    isDisabled: user.isDisabled === true,
    disableReason: typeof user.disableReason === 'string' ? user.disableReason : null,
    isAnonymized: user.isAnonymized === true,
    authenticators: (user.authenticators?.edges ?? []).flatMap((edge) =>
      edge.node
        ? [
            {
              id: String(edge.node.id),
              type: String(edge.node.type),
              kind: String(edge.node.kind),
              isDefault: edge.node.isDefault === true,
              expireAfter: typeof edge.node.expireAfter === 'string' ? edge.node.expireAfter : null,
              updatedAt: typeof edge.node.updatedAt === 'string' ? edge.node.updatedAt : null,
            },
          ]
        : [],
    ),
  };
}

/** Password-policy causes as Authgear names them (pkg/util/password/checker.go), in words. */
function policyCauses(info: unknown): string[] {
  const causes = (info as { causes?: Array<{ Name?: string; Info?: Record<string, unknown> }> } | undefined)
    ?.causes;
  return (causes ?? []).map((cause) => {
    const details = cause.Info ? ` ${JSON.stringify(cause.Info)}` : '';
    return `${cause.Name ?? 'unknown'}${details}`;
  });
}

export function explainGraphqlErrors(errors: GraphqlError[], action: string): AdminApiGraphqlError {
  const first = errors[0] ?? {};
  const reason = first.extensions?.reason ?? first.extensions?.errorName ?? '';
  const said = errors
    .map((error) => error.message ?? '')
    .filter(Boolean)
    .join('; ');
  const fail = (message: string, fix: string) => new AdminApiGraphqlError(errors, message, fix);
  if (reason === 'PasswordPolicyViolated')
    return fail(
      `Authgear's password policy refused the new password (${policyCauses(first.extensions?.info).join('; ') || said}).`,
      "Choose a password that meets the app's policy (authgear.yaml authenticator.password.policy), and not one of its recent passwords when history is on.",
    );
  if (/Cannot query field "(\w+)" on type "Mutation"/.test(said))
    return fail(
      `This Authgear server has no ${/Cannot query field "(\w+)"/.exec(said)?.[1] ?? 'such'} mutation (${said}).`,
      'Upgrade Authgear, or leave the step out.',
    );
  if (reason === 'AuthenticatorNotFound')
    return fail(
      `The user has no primary password authenticator to ${action} (${said}).`,
      'Reset the password first.',
    );
  if (/anonymi[sz]ed/i.test(`${reason} ${said}`))
    return fail(
      `The user is anonymized; Authgear refuses to ${action} (${said}).`,
      'An anonymized user cannot log in again.',
    );
  if (reason === 'SendPasswordNoTarget')
    return fail(
      `Authgear cannot send the password: the user has no email or phone to send it to (${said}).`,
      'Set sendPassword: false and hand the password over yourself.',
    );
  if (reason === 'Invalid' || reason === 'NotFound')
    return fail(
      `Authgear refused to ${action}: ${said}${reason ? ` (${reason})` : ''}.`,
      'Check the login ID and the app id.',
    );
  return fail(
    `Authgear refused to ${action}: ${said || 'no message'}${reason ? ` (${reason})` : ''}.`,
    'Fix what Authgear names, then retry.',
  );
}
