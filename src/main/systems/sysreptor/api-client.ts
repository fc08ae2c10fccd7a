/**
 * SysReptor's REST API as the reset needs it (users/views.py, serializers.py, permissions.py,
 * auth.py): the token's own user, the exact-username lookup, reset-password, the re-enable PATCH
 * and the login check. The token travels only in the Authorization header; every answer that is
 * not a success becomes a StepFailure that says what SysReptor meant and what to do.
 */
import { StepFailure } from '../../engine/types.js';
import { HttpError } from '../../platform/http/errors.js';
import { jsonBody, type HttpClient, type HttpRequest, type HttpTls } from '../../platform/http/types.js';

/** Cursor pages followed at most while looking a user up (SysReptor pages by 100). */
const MAX_PAGES = 50;

export interface SysReptorApiTarget {
  /** Where this machine reaches the app, e.g. http://127.0.0.1:8000. */
  baseUrl: string;
  /** The Host header: one of ALLOWED_HOSTS when the base URL's host is not (Django refuses others). */
  host: string;
  tls: HttpTls;
}

/** The fields of PentestUserDetailSerializer the reset looks at. */
export interface ApiUser {
  id: string;
  username: string;
  email: string | null;
  is_active: boolean;
  is_superuser: boolean;
  is_user_manager: boolean;
  is_system_user: boolean;
  must_change_password: boolean;
  /** "admin" in it when the caller's admin permissions are on (for a token: created with --admin). */
  scope: string[];
}

export type LoginStatus = 'success' | 'mfa-required' | 'password-change-required';

export interface CallOptions {
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Values never to be sent in a URL (the token, passwords). */
  secrets: readonly string[];
}

export class SysReptorApi {
  constructor(
    private readonly http: HttpClient,
    private readonly target: SysReptorApiTarget,
    private readonly token: string,
    private readonly call: CallOptions,
  ) {}

  private async send(
    method: HttpRequest['method'],
    pathAndQuery: string,
    body: unknown,
    action: string,
    authenticated = true,
  ): Promise<{ status: number; json: unknown }> {
    const url = new URL(pathAndQuery, this.target.baseUrl);
    let response;
    try {
      response = await this.http.request({
        method,
        url: url.href,
        headers: {
          host: this.target.host,
          ...(authenticated ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body,
        secrets: this.call.secrets,
        tls: this.target.tls,
        signal: this.call.signal,
        journal: this.call.log,
      });
    } catch (error) {
      if (error instanceof HttpError)
        throw new StepFailure(
          `SysReptor's API cannot be used to ${action}: ${error.message}`,
          error.kind === 'unreachable' || error.kind === 'timeout'
            ? `Check that the app container runs (docker compose ps in the deploy folder) and that ${this.target.baseUrl} reaches it from this machine; give apiUrl otherwise.`
            : 'Check apiUrl and the TLS settings (caFile, pinSha256).',
        );
      throw error;
    }
    this.call.log(`${method} ${url.pathname} → ${response.status}`);
    const json = jsonBody(response);
    if (response.status >= 200 && response.status < 300) return { status: response.status, json };
    throw explainSysReptorError(response.status, json, action, this.target);
  }

  /** The token's own user: who is calling, with which rights. */
  async self(): Promise<ApiUser> {
    return asUser(
      (await this.send('GET', '/api/v1/pentestusers/self/', undefined, 'check the API token')).json,
    );
  }

  async user(id: string): Promise<ApiUser> {
    return asUser(
      (await this.send('GET', `/api/v1/pentestusers/${encodeURIComponent(id)}/`, undefined, 'read the user'))
        .json,
    );
  }

  /**
   * The users whose username is exactly `username`: `?search=` (a case-insensitive match over
   * username, email and names), every cursor page, then an exact comparison as the login does.
   */
  async findByUsername(username: string): Promise<ApiUser[]> {
    const exact: ApiUser[] = [];
    let next: string | null = `/api/v1/pentestusers/?search=${encodeURIComponent(username)}`;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const { json } = await this.send('GET', next, undefined, `look up the user "${username}"`);
      const list = json as { results?: unknown; next?: unknown };
      if (!Array.isArray(list?.results))
        throw new StepFailure(
          'SysReptor answered the user search with something that is not a user list.',
          'Check that apiUrl is the SysReptor app.',
        );
      for (const item of list.results) {
        const user = asUser(item);
        if (user.username === username) exact.push(user);
      }
      next = typeof list.next === 'string' ? nextPage(list.next, this.target.baseUrl) : null;
    }
    return exact;
  }

  /** POST …/reset-password/ always with must_change_password: SysReptor sets it to false when the body leaves it out. */
  async resetPassword(id: string, password: string, mustChangePassword: boolean): Promise<boolean> {
    const { json } = await this.send(
      'POST',
      `/api/v1/pentestusers/${encodeURIComponent(id)}/reset-password/`,
      { password, must_change_password: mustChangePassword },
      'reset the password',
    );
    return (json as { must_change_password?: unknown })?.must_change_password === true;
  }

  /** PATCH is_active: turning it on also zeroes failed_mfa_attempts (signals.py) and runs the licence user-count check. */
  async setActive(id: string, active: boolean): Promise<ApiUser> {
    return asUser(
      (
        await this.send(
          'PATCH',
          `/api/v1/pentestusers/${encodeURIComponent(id)}/`,
          { is_active: active },
          active ? 're-enable the user' : 'disable the user again',
        )
      ).json,
    );
  }

  /**
   * POST /api/v1/auth/login/ without the token. LoginSerializer checks the password first; only
   * then come MFA, is_active, the licence and can_login_local (views.py perform_login_local), so
   * those refusals still prove the password: they are returned as what stopped the login.
   */
  async login(username: string, password: string): Promise<LoginOutcome> {
    try {
      const { json } = await this.send(
        'POST',
        '/api/v1/auth/login/',
        { username, password },
        'check the new password',
        false,
      );
      const status = (json as { status?: unknown })?.status;
      if (status === 'success' || status === 'mfa-required' || status === 'password-change-required')
        return status;
      throw new StepFailure(`SysReptor's login answered an unknown status (${JSON.stringify(status)}).`);
    } catch (error) {
      if (!(error instanceof SysReptorApiError)) throw error;
      if (/Invalid username or password/.test(error.message))
        throw new StepFailure(
          "SysReptor's login does not accept the new password for this user.",
          'Retry the reset step; if it fails again, reset by another path.',
        );
      if (error.status === 400 && /User is (disabled|inactive)/.test(error.message)) return 'disabled';
      if (error.status === 400 && /Local user login/.test(error.message)) return 'local-login-disabled';
      if (error.status === 403 && /licen[cs]e/i.test(error.message)) return 'licence-refused';
      throw error;
    }
  }
}

/** What a login answered after the password was accepted. */
export type LoginOutcome = LoginStatus | 'disabled' | 'local-login-disabled' | 'licence-refused';

function asUser(value: unknown): ApiUser {
  const user = value as Partial<ApiUser> | undefined;
  if (!user || typeof user.id !== 'string' || typeof user.username !== 'string')
    throw new StepFailure(
      'SysReptor answered with something that is not a user.',
      'Check that apiUrl is the SysReptor app.',
    );
  return {
    id: user.id,
    username: user.username,
    email: typeof user.email === 'string' && user.email !== '' ? user.email : null,
    is_active: user.is_active === true,
    is_superuser: user.is_superuser === true,
    is_user_manager: user.is_user_manager === true,
    is_system_user: user.is_system_user === true,
    must_change_password: user.must_change_password === true,
    scope: Array.isArray(user.scope) ? user.scope.filter((item) => typeof item === 'string') : [],
  };
}

/**
 * The next cursor page, always asked of our own base URL (the token goes nowhere else): behind a
 * proxy the app may build links with its public host, so only the path and query are taken.
 */
function nextPage(link: string, baseUrl: string): string {
  const url = new URL(link, baseUrl);
  if (!url.pathname.startsWith('/api/v1/pentestusers/'))
    throw new StepFailure("SysReptor's next-page link is not a user-list page; not followed.");
  return `${url.pathname}${url.search}`;
}

/** DRF's answers: `{"detail": "...", "code": "..."}`, per-field lists, or `non_field_errors`. */
function messagesOf(json: unknown): string[] {
  if (typeof json === 'string') return [json];
  if (!json || typeof json !== 'object') return [];
  const out: string[] = [];
  for (const [field, value] of Object.entries(json as Record<string, unknown>)) {
    if (field === 'code') continue;
    const list = Array.isArray(value) ? value : [value];
    for (const item of list)
      if (typeof item === 'string')
        out.push(field === 'detail' || field === 'non_field_errors' ? item : `${field}: ${item}`);
  }
  return out;
}

/** SysReptor answered with an error status; the message explains it. */
export class SysReptorApiError extends StepFailure {
  constructor(
    readonly status: number,
    message: string,
    fix: string,
  ) {
    super(message, fix);
    this.name = 'SysReptorApiError';
  }
}

export function explainSysReptorError(
  status: number,
  json: unknown,
  action: string,
  target: Pick<SysReptorApiTarget, 'baseUrl' | 'host'>,
): SysReptorApiError {
  const failure = (message: string, fix: string) => new SysReptorApiError(status, message, fix);
  const messages = messagesOf(json);
  const said = messages.length > 0 ? ` (SysReptor: "${messages.join('"; "')}")` : '';
  const detail = messages.join(' ');
  if (status === 401) {
    if (/expired/i.test(detail))
      return failure(
        `The API token has expired${said}.`,
        'Create a new one: docker compose exec app python3 manage.py createapitoken <admin user> --admin (or under the user\'s "API Tokens" in the web UI).',
      );
    if (/header format/i.test(detail))
      return failure(
        `SysReptor did not understand the token${said}.`,
        'Give the whole token as SysReptor showed it, starting with "sysreptor_".',
      );
    if (/disabled or deleted/i.test(detail))
      return failure(
        `The token's own user is disabled or deleted${said}.`,
        'Use a token of another superuser or user manager.',
      );
    return failure(
      `SysReptor did not accept the API token${said}: it is wrong, was revoked, or belongs to another SysReptor.`,
      'Check the token (the whole "sysreptor_…" value), or create a new one with manage.py createapitoken <admin user> --admin.',
    );
  }
  if (status === 403) {
    if (/licen[cs]e/i.test(detail))
      return failure(
        `SysReptor's licence refuses to ${action}${said}.`,
        'Re-enabling counts against the licence user limit: disable another user first, or use the database path (which skips the check).',
      );
    return failure(
      `SysReptor refuses to let the token's user ${action}${said}.`,
      'Resetting needs a user manager, or a superuser whose token was created with --admin (Professional; a superuser token without admin permissions is refused). A user manager cannot change a superuser, and nobody can change a system user.',
    );
  }
  if (status === 404)
    return failure(
      `SysReptor answered "not found" when trying to ${action}${said}.`,
      `The user may have been deleted meanwhile, or ${target.baseUrl} is not SysReptor's API (check apiUrl).`,
    );
  if (status === 400 && messages.length === 0)
    return failure(
      `SysReptor answered 400 Bad Request without details when trying to ${action}.`,
      `Django answers this when the Host header is not in ALLOWED_HOSTS: it was "${target.host}"; check ALLOWED_HOSTS in app.env, or give apiUrl with the public address.`,
    );
  if (status === 400 && /different from the current password/i.test(detail))
    return failure(
      `The user already has this password: SysReptor refuses to set the current password again${said}.`,
      'Choose a different new password.',
    );
  if (status === 400)
    return failure(
      `SysReptor refused to ${action}${said}.`,
      /password/i.test(detail)
        ? "Choose another password: SysReptor's validators want at least 8 characters, not too similar to the user name or email, not a common password, and not entirely numeric."
        : 'Fix what SysReptor names, then retry.',
    );
  if (status === 429)
    return failure(`SysReptor is throttling requests${said}.`, 'Wait a minute, then retry.');
  return failure(
    `SysReptor answered HTTP ${status} when trying to ${action}${said}.`,
    status >= 500
      ? "SysReptor failed internally: read the app container's log (docker compose logs app), then retry."
      : 'Check apiUrl and the token, then retry.',
  );
}
