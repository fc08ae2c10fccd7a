/**
 * The MAS admin API path (crates/handlers/src/admin/v1/users/): the user by username, then
 * `/reactivate` and `/unlock` where asked, then `POST /api/admin/v1/users/{id}/set-password`
 * (MAS hashes with its current scheme and checks its password policy). The token is an OAuth 2
 * access token with the `urn:mas:admin` scope, sent only as a Bearer header. Setting a password
 * ends no MAS session: when asked, the user's active compatibility, OAuth 2 and browser sessions
 * are listed (`GET /api/admin/v1/{kind}?filter[user]=…&filter[status]=active`) and each finished
 * (`POST …/{kind}/{id}/finish`, MAS 1.4.0 on), as `mas-cli manage kill-sessions` does. Nothing to
 * undo: MAS never returns the old hash. The client login (MAS serves it for Matrix clients)
 * proves the result.
 */
import { StepFailure, type Environment, type StepContext, type StepDefinition } from '../../engine/types.js';
import { jsonBody, type HttpResponse, type HttpTls } from '../../platform/http/types.js';
import type { Mxid } from './mxid.js';

export interface MasApiOptions {
  baseUrl: string;
  tls: HttpTls;
  adminToken: string;
  mxid: Mxid;
  newPassword: string;
  unlock: boolean;
  reactivate: boolean;
  revokeSessions: boolean;
  secrets: readonly string[];
}

/** Compatibility and OAuth 2 sessions first: they may hang off a browser session. */
const SESSION_KINDS = [
  { route: 'compat-sessions', label: 'compatibility' },
  { route: 'oauth2-sessions', label: 'OAuth 2' },
  { route: 'user-sessions', label: 'browser' },
] as const;
const SESSION_PAGE = 100;
/** 100 pages of 100: past that, something else is creating sessions as fast as they end. */
const MAX_SESSION_PAGES = 100;

interface MasApiUser {
  id: string;
  username: string;
  lockedAt: string | null;
  deactivatedAt: string | null;
}

async function call(
  options: MasApiOptions,
  env: Environment,
  log: (line: string) => void,
  method: 'GET' | 'POST',
  pathname: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<HttpResponse> {
  const response = await env.http.request({
    method,
    url: `${options.baseUrl}${pathname}`,
    headers: { Authorization: `Bearer ${options.adminToken}` },
    body,
    secrets: [...options.secrets, options.adminToken, options.newPassword],
    tls: options.tls,
    signal,
    journal: log,
  });
  log(`${method} ${pathname} → ${response.status}`);
  return response;
}

/**
 * The explanation for a MAS admin API error answer (`{"errors": [{"title": …}]}`). A 404 without
 * a title is an unknown route: `missingRoute` says what that means for the call (default: no
 * admin API on this listener).
 */
export function explainMasError(
  response: HttpResponse,
  username: string,
  missingRoute?: StepFailure,
): StepFailure {
  const body = jsonBody(response) as { errors?: Array<{ title?: unknown }> } | undefined;
  const title = typeof body?.errors?.[0]?.title === 'string' ? body.errors[0].title : undefined;
  const said = `MAS answered ${response.status}${title ? ` ("${title}")` : ''}`;
  switch (response.status) {
    case 400:
      return new StepFailure(
        `${said}: MAS's password policy refused the new password (passwords.minimum_complexity).`,
        'Choose a stronger password, then plan again.',
      );
    case 401:
      return new StepFailure(
        `${said}: the token is missing, expired or not a MAS access token.`,
        'Get a token with the urn:mas:admin scope (client credentials of a client listed in policy.data.admin_clients, or mas-cli), then plan again.',
      );
    case 403:
      return new StepFailure(
        `${said}: password logins are disabled in MAS (passwords.enabled: false), or the token lacks the urn:mas:admin scope.`,
        'Reset the password where users log in (the upstream identity provider), or use a token with urn:mas:admin.',
      );
    case 404:
      if (title) return new StepFailure(`${said}: MAS has no user "${username}".`, 'Check the localpart.');
      return (
        missingRoute ??
        new StepFailure(
          `${said}: the MAS admin API is not served at this URL (the adminapi resource is not on this listener).`,
          'Point baseUrl at the MAS listener with the adminapi resource.',
        )
      );
    default:
      return new StepFailure(
        `${said}.`,
        'See the MAS log (journalctl -u matrix-authentication-service), then retry.',
      );
  }
}

async function findUser(options: MasApiOptions, ctx: StepContext): Promise<MasApiUser> {
  const username = options.mxid.localpart;
  const response = await call(
    options,
    ctx.env,
    (line) => ctx.log(line),
    'GET',
    `/api/admin/v1/users/by-username/${encodeURIComponent(username)}`,
    undefined,
    ctx.signal,
  );
  if (response.status !== 200) throw explainMasError(response, username);
  const data = (
    jsonBody(response) as { data?: { id?: unknown; attributes?: Record<string, unknown> } } | undefined
  )?.data;
  if (typeof data?.id !== 'string') throw new StepFailure("MAS's answer to the user lookup has no data.id.");
  const text = (key: string) =>
    typeof data.attributes?.[key] === 'string' ? (data.attributes[key] as string) : null;
  return {
    id: data.id,
    username: text('username') ?? username,
    lockedAt: text('locked_at'),
    deactivatedAt: text('deactivated_at'),
  };
}

function checkFlags(user: MasApiUser, options: MasApiOptions): void {
  if (user.deactivatedAt && !options.reactivate)
    throw new StepFailure(`MAS user "${user.username}" is deactivated.`, 'Plan again with reactivate: true.');
  if (user.lockedAt && !options.unlock)
    throw new StepFailure(`MAS user "${user.username}" is locked.`, 'Plan again with unlock: true.');
}

async function activeSessionIds(
  options: MasApiOptions,
  ctx: StepContext,
  route: (typeof SESSION_KINDS)[number]['route'],
  userId: string,
): Promise<string[]> {
  const ids: string[] = [];
  const tooOld = new StepFailure(
    `MAS answered 404 to GET /api/admin/v1/${route}: this MAS has no session admin API (it came with MAS 1.4.0).`,
    `Upgrade MAS, or run mas-cli manage kill-sessions ${options.mxid.localpart}, or use the mas-database path with revokeSessions.`,
  );
  for (let page = 0; page < MAX_SESSION_PAGES; page += 1) {
    const after = ids.length > 0 ? `&page[after]=${encodeURIComponent(ids[ids.length - 1] ?? '')}` : '';
    const response = await call(
      options,
      ctx.env,
      (line) => ctx.log(line),
      'GET',
      `/api/admin/v1/${route}?filter[user]=${encodeURIComponent(userId)}&filter[status]=active&page[first]=${SESSION_PAGE}${after}`,
      undefined,
      ctx.signal,
    );
    if (response.status !== 200) throw explainMasError(response, options.mxid.localpart, tooOld);
    const body = jsonBody(response) as
      { data?: Array<{ id?: unknown }>; links?: { next?: unknown } } | undefined;
    const found = (body?.data ?? []).map((item) => item.id).filter((id) => typeof id === 'string');
    ids.push(...found);
    if (found.length === 0 || typeof body?.links?.next !== 'string') return ids;
  }
  throw new StepFailure(
    `"${options.mxid.localpart}" has more than ${SESSION_PAGE * MAX_SESSION_PAGES} active MAS ${route}; none was finished.`,
    `Lock the user first (it stops new logins), or run mas-cli manage kill-sessions ${options.mxid.localpart}.`,
  );
}

function finishSessionsStep(options: MasApiOptions, secretsOf: (ctx: StepContext) => void): StepDefinition {
  const username = options.mxid.localpart;
  return {
    id: 'finish-mas-sessions-api',
    kind: 'change',
    title: `End the MAS sessions of "${username}" through the MAS admin API`,
    describe: () => ({
      summary: `Lists the user's active compatibility, OAuth 2 and browser sessions (GET ${options.baseUrl}/api/admin/v1/{compat-sessions,oauth2-sessions,user-sessions}?filter[user]={id}&filter[status]=active) and finishes each (POST …/{id}/finish), as mas-cli manage kill-sessions does.`,
      details: [
        "MAS then has Synapse delete the user's devices (a device sync job); Synapse may accept a cached token for a few minutes more.",
        'Personal access tokens (personal sessions) stay, as with kill-sessions.',
        'Needs MAS 1.4.0 or later. Cannot be undone: the clients log in again.',
      ],
    }),
    async run(ctx) {
      secretsOf(ctx);
      const user = await findUser(options, ctx);
      const ended: string[] = [];
      for (const kind of SESSION_KINDS) {
        const ids = await activeSessionIds(options, ctx, kind.route, user.id);
        let count = 0;
        for (const id of ids) {
          const response = await call(
            options,
            ctx.env,
            (line) => ctx.log(line),
            'POST',
            `/api/admin/v1/${kind.route}/${encodeURIComponent(id)}/finish`,
            undefined,
            ctx.signal,
          );
          // 400 is "already finished": it ended between the list and this call.
          if (response.status === 400) continue;
          if (response.status !== 200) throw explainMasError(response, username);
          count += 1;
        }
        ended.push(`${count} ${kind.label}`);
      }
      ctx.log(`Finished ${ended.join(', ')} session(s) of "${username}".`);
    },
    async check(ctx) {
      const user = await findUser(options, ctx);
      for (const kind of SESSION_KINDS) {
        const left = await activeSessionIds(options, ctx, kind.route, user.id);
        if (left.length > 0)
          throw new StepFailure(
            `${left.length} ${kind.label} session(s) of "${username}" are still active.`,
            'Retry the step: a client may have logged in again meanwhile.',
          );
      }
    },
  };
}

export function masAdminApiSteps(options: MasApiOptions): StepDefinition[] {
  const username = options.mxid.localpart;
  const secretsOf = (ctx: StepContext) => {
    ctx.addSecret(options.adminToken);
    options.secrets.forEach((value) => ctx.addSecret(value));
  };
  return [
    {
      id: 'find-mas-user-api',
      kind: 'check',
      title: `Look "${username}" up through the MAS admin API`,
      describe: () => ({
        summary: `GET ${options.baseUrl}/api/admin/v1/users/by-username/${username} with the token; the user must be active and unlocked unless that is to be lifted too.`,
      }),
      async run(ctx) {
        secretsOf(ctx);
        const user = await findUser(options, ctx);
        checkFlags(user, options);
        ctx.log(`Found MAS user ${user.id}.`);
      },
    },
    {
      id: 'set-mas-password-api',
      kind: 'change',
      title: `Set the new password of "${username}" through the MAS admin API`,
      describe: () => ({
        summary: `${options.reactivate ? 'POST …/users/{id}/reactivate if deactivated, ' : ''}${options.unlock ? 'POST …/users/{id}/unlock if locked, ' : ''}then POST ${options.baseUrl}/api/admin/v1/users/{id}/set-password {"password", "skip_password_check": false}.`,
        details: [
          'MAS hashes it with its current scheme and applies its password policy.',
          options.revokeSessions
            ? 'It ends no session by itself: the next step does.'
            : 'It ends no session of the user: revokeSessions (or mas-cli manage kill-sessions) does.',
        ],
        undo: 'None: MAS never returns the old hash. To go back, set another password.',
      }),
      async run(ctx) {
        secretsOf(ctx);
        const user = await findUser(options, ctx);
        const log = (line: string) => ctx.log(line);
        for (const [wanted, flag, action] of [
          [options.reactivate, user.deactivatedAt, 'reactivate'],
          [options.unlock, user.lockedAt, 'unlock'],
        ] as const)
          if (wanted && flag) {
            const response = await call(
              options,
              ctx.env,
              log,
              'POST',
              `/api/admin/v1/users/${encodeURIComponent(user.id)}/${action}`,
              {},
              ctx.signal,
            );
            if (response.status !== 200) throw explainMasError(response, username);
          }
        const response = await call(
          options,
          ctx.env,
          log,
          'POST',
          `/api/admin/v1/users/${encodeURIComponent(user.id)}/set-password`,
          { password: options.newPassword, skip_password_check: false },
          ctx.signal,
        );
        if (response.status !== 204 && response.status !== 200) throw explainMasError(response, username);
        ctx.log(`MAS set the password of "${username}".`);
      },
    },
    ...(options.revokeSessions ? [finishSessionsStep(options, secretsOf)] : []),
  ];
}
