/**
 * The MAS admin API path (crates/handlers/src/admin/v1/users/): the user by username, then
 * `/reactivate` and `/unlock` where asked, then `POST /api/admin/v1/users/{id}/set-password`
 * (MAS hashes with its current scheme and checks its password policy). The token is an OAuth 2
 * access token with the `urn:mas:admin` scope, sent only as a Bearer header. Setting a password
 * ends no MAS session; the plan says so. Nothing to undo: MAS never returns the old hash. The
 * client login (MAS serves it for Matrix clients) proves the result.
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
  secrets: readonly string[];
}

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

/** The explanation for a MAS admin API error answer (`{"errors": [{"title": …}]}`). */
export function explainMasError(response: HttpResponse, username: string): StepFailure {
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
      return title
        ? new StepFailure(`${said}: MAS has no user "${username}".`, 'Check the localpart.')
        : new StepFailure(
            `${said}: the MAS admin API is not served at this URL (the adminapi resource is not on this listener).`,
            'Point baseUrl at the MAS listener with the adminapi resource.',
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
          'It ends no session of the user: mas-cli manage kill-sessions does.',
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
  ];
}
