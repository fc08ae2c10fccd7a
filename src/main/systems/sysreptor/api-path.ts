/**
 * SysReptor's API path: the token's rights checked first, the user found by exact username, then
 * POST …/reset-password/ (always with must_change_password), the re-enable PATCH when asked, and
 * the login API as proof. The old password cannot be put back through the API, so the reset has
 * no undo; re-enabling has one.
 */
import type { Fact } from '../../../shared/procedure.js';
import {
  InputError,
  ProcedureRefusal,
  StepFailure,
  type Environment,
  type StepContext,
  type StepDefinition,
} from '../../engine/types.js';
import type { HttpTls } from '../../platform/http/types.js';
import { SysReptorApi, SysReptorApiError, type ApiUser, type SysReptorApiTarget } from './api-client.js';
import type { SysReptorDeploy } from './deploy.js';

export interface ApiPathOptions {
  deploy: SysReptorDeploy;
  target: SysReptorApiTarget;
  token: string;
  username: string;
  newPassword: string;
  mustChangePassword: boolean;
  reactivate: boolean;
}

const REACTIVATED_KEY = 'sysreptor-api-reactivated';
const RESET_ATTEMPTED_KEY = 'sysreptor-api-reset-attempted';

/** The API's address and Host header: the given apiUrl, else the port compose publishes, with a Host Django accepts. */
export function apiTarget(
  deploy: SysReptorDeploy,
  apiUrl: string | undefined,
  tls: HttpTls,
): SysReptorApiTarget {
  const baseUrl = (apiUrl ?? deploy.appUrl).replace(/\/+$/, '');
  const url = new URL(baseUrl);
  const named = deploy.allowedHosts.filter((host) => !host.includes('*'));
  const accepted =
    named.length < deploy.allowedHosts.length ||
    named.some((host) => host === url.hostname || (host.startsWith('.') && url.hostname.endsWith(host)));
  const first = named[0]?.replace(/^\./, '');
  return { baseUrl, host: apiUrl || accepted || !first ? url.host : first, tls };
}

/** Why the token's user may not reset passwords at all (UserViewSetPermissions.has_permission). */
export function tokenRefusal(caller: ApiUser): string | undefined {
  if (caller.scope.includes('admin') || caller.is_user_manager) return undefined;
  return `The token belongs to "${caller.username}", who is ${caller.is_superuser ? 'a superuser whose token has no admin permissions (it was created without --admin)' : 'neither a superuser nor a user manager'}: SysReptor refuses password resets for it.`;
}

/** Why the token's user may not change this user (has_object_permission). */
export function canReset(caller: ApiUser, user: ApiUser): string | undefined {
  const refusal = tokenRefusal(caller);
  if (refusal) return refusal;
  if (user.is_system_user && user.id !== caller.id)
    return `"${user.username}" is a system user: SysReptor's API lets nobody change it.`;
  if (user.is_superuser && !caller.scope.includes('admin'))
    return `"${user.username}" is a superuser and the token's user "${caller.username}" is only a user manager: SysReptor lets only an admin change a superuser.`;
  return undefined;
}

export function apiPathSteps(options: ApiPathOptions): StepDefinition[] {
  const { target, username } = options;
  const api = (ctx: StepContext) => {
    ctx.addSecret(options.token);
    ctx.addSecret(options.newPassword);
    return new SysReptorApi(ctx.env.http, target, options.token, {
      log: (line) => ctx.log(line),
      signal: ctx.signal,
      secrets: [options.token, options.newPassword],
    });
  };
  const findTarget = async (client: SysReptorApi): Promise<ApiUser> => {
    const found = await client.findByUsername(username);
    if (found.length === 0)
      throw new StepFailure(
        `No SysReptor user is named exactly "${username}" (the login is case-sensitive; users visible to the token's user were searched).`,
        'Check the user name as SysReptor shows it under Users.',
      );
    if (found.length > 1)
      throw new StepFailure(
        `${found.length} SysReptor users are named exactly "${username}" (ids ${found.map((user) => user.id).join(', ')}); Breakglass will not guess which one.`,
        'Tell them apart in the web UI under Users, then use the database path with care.',
      );
    return found[0] as ApiUser;
  };

  const checkToken: StepDefinition = {
    id: 'check-api-token',
    kind: 'check',
    title: "Check the API token and its user's rights",
    describe: () => ({
      summary: `Asks ${target.baseUrl}/api/v1/pentestusers/self/ who the token belongs to (Authorization: Bearer header, Host: ${target.host}).`,
      details: [
        'Resetting needs a user manager, or a superuser whose token was created with --admin.',
        'The token is sent only in the Authorization header, never in a URL, and is masked in every log.',
      ],
    }),
    async run(ctx) {
      const caller = await api(ctx).self();
      const refusal = tokenRefusal(caller);
      if (refusal)
        throw new StepFailure(
          refusal,
          'Use a token of a user manager, or create an admin token: docker compose exec app python3 manage.py createapitoken <superuser> --admin.',
        );
      ctx.log(
        `The token belongs to "${caller.username}" (${caller.scope.includes('admin') ? 'admin' : 'user manager'}).`,
      );
    },
  };

  const findUser: StepDefinition = {
    id: 'find-user-api',
    kind: 'check',
    title: `Find the user named exactly "${username}" through the API`,
    describe: () => ({
      summary: `GET /api/v1/pentestusers/?search=… (every page), then keeps only the user whose username is exactly "${username}", as SysReptor's login matches; checks the token's user may change it.`,
    }),
    async run(ctx) {
      const client = api(ctx);
      const [caller, user] = [await client.self(), await findTarget(client)];
      const refusal = canReset(caller, user);
      if (refusal) throw new StepFailure(refusal, 'Use the token of an admin, or another path.');
      ctx.log(
        `Found id ${user.id} (${user.is_active ? 'active' : 'disabled'}${user.is_superuser ? ', superuser' : ''}${user.email ? '' : ', no email address'}).`,
      );
    },
  };

  const reset: StepDefinition = {
    id: 'reset-password-api',
    kind: 'change',
    title: `Reset "${username}"'s password through the API`,
    describe: () => ({
      summary: `POST /api/v1/pentestusers/<id>/reset-password/ with the new password and must_change_password = ${options.mustChangePassword}.`,
      details: [
        'must_change_password is always sent: SysReptor sets it to false when the body leaves it out.',
        "SysReptor's password validators run (length, similarity to the user's name and email, common passwords, all digits), and it refuses the current password.",
        ...(options.deploy.edition === 'community' && options.mustChangePassword
          ? ['The Community edition ignores must_change_password: the user will not be asked to change it.']
          : []),
        'Every browser session of this user ends (Django ties sessions to the password hash); API tokens keep working.',
      ],
      undo: 'None through the API: SysReptor does not give back the old password. A rollback leaves the new password in place.',
    }),
    async run(ctx) {
      const client = api(ctx);
      const user = await findTarget(client);
      const retry = (await ctx.backup.loadValues<{ id: string }>(RESET_ATTEMPTED_KEY)) !== undefined;
      await ctx.backup.saveValues(RESET_ATTEMPTED_KEY, { id: user.id });
      try {
        const flag = await client.resetPassword(user.id, options.newPassword, options.mustChangePassword);
        ctx.log(`Password reset for id ${user.id}; must_change_password is now ${flag}.`);
      } catch (error) {
        // A retry after a lost answer: the earlier request set this very password.
        const alreadySet =
          retry &&
          error instanceof StepFailure &&
          /already has this password/.test(error.message) &&
          (await client.user(user.id)).must_change_password === options.mustChangePassword;
        if (!alreadySet) throw error;
        ctx.log('An earlier attempt of this run already set this password and flag; nothing to do.');
      }
    },
  };

  const reactivate: StepDefinition = {
    id: 'reactivate-api',
    kind: 'change',
    title: `Re-enable "${username}" if it is disabled`,
    describe: () => ({
      summary:
        'When the user is disabled (e.g. after 30 failed MFA codes): PATCH /api/v1/pentestusers/<id>/ {"is_active": true}. Nothing when it is active.',
      details: ['SysReptor then also sets failed_mfa_attempts to 0, and checks the licence user limit.'],
      undo: 'Disables the user again (PATCH is_active false) when this run enabled it; the failed-MFA counter stays 0.',
    }),
    async run(ctx) {
      const client = api(ctx);
      const user = await findTarget(client);
      if (user.is_active) {
        const earlier = await ctx.backup.loadValues<{ id: string }>(REACTIVATED_KEY);
        // An earlier attempt's PATCH went through but its answer was lost: the undo still owns it.
        if (earlier) await ctx.backup.saveResult(REACTIVATED_KEY, earlier);
        ctx.log(
          earlier ? 'Re-enabled by an earlier attempt of this run.' : 'The user is active; nothing to do.',
        );
        return;
      }
      await ctx.backup.saveValues(REACTIVATED_KEY, { id: user.id });
      const after = await client.setActive(user.id, true);
      if (!after.is_active)
        throw new StepFailure(
          'SysReptor answered the re-enable request but the user is still disabled.',
          "The token's user may not change this field (a user manager cannot change a superuser).",
        );
      await ctx.backup.saveResult(REACTIVATED_KEY, { id: user.id });
      ctx.log(`Re-enabled id ${user.id} (SysReptor cleared its failed-MFA counter).`);
    },
    async checkUndo(ctx) {
      const saved = await ctx.backup.loadResult<{ id: string }>(REACTIVATED_KEY);
      if (!saved) return;
      if (!(await api(ctx).user(saved.id)).is_active)
        throw new StepFailure(`User ${saved.id} was disabled again after this run; nothing to undo.`);
    },
    async undo(ctx) {
      const saved = await ctx.backup.loadResult<{ id: string }>(REACTIVATED_KEY);
      if (!saved) {
        ctx.log('This run did not re-enable the user; nothing to undo.');
        return;
      }
      await api(ctx).setActive(saved.id, false);
      ctx.log(`Disabled user ${saved.id} again, as it was before the run.`);
    },
  };

  const verify: StepDefinition = {
    id: 'verify-login-api',
    kind: 'verify',
    title: "Prove the new password through SysReptor's login",
    describe: () => ({
      summary:
        'POST /api/v1/auth/login/ with the user name and the new password (no token): "success", "mfa-required" or "password-change-required" all mean the password was accepted.',
      details: [
        'A successful check counts as a login of the user (last_login); the session it opens is discarded.',
      ],
    }),
    async run(ctx) {
      const status = await api(ctx).login(username, options.newPassword);
      if (status === 'disabled' && options.reactivate)
        throw new StepFailure(
          'The new password is accepted but SysReptor says the user is disabled.',
          'Retry the re-enable step.',
        );
      const after: Record<typeof status, string> = {
        success: 'the login succeeded',
        'mfa-required': 'the login now asks for the MFA code',
        'password-change-required': 'the login now asks for a new password',
        disabled: 'the user is disabled, as you chose to leave it',
        'local-login-disabled':
          'but this user may not log in with a password (can_login_local is off: SSO only)',
        'licence-refused':
          "but the licence refuses this user's login (the Community edition lets only superusers in)",
      };
      const expectsChange = options.mustChangePassword && options.deploy.edition === 'professional';
      ctx.log(
        `The new password is accepted: ${after[status]}${expectsChange && status === 'success' ? '; SysReptor did not ask for a password change, so the licence may not be Professional' : ''}.`,
      );
    },
  };

  return [checkToken, findUser, reset, ...(options.reactivate ? [reactivate] : []), verify];
}

export interface ApiPreview {
  facts: Fact[];
  warnings: string[];
  user?: ApiUser;
}

/**
 * Read-only look while planning (GETs only): the token's user and the target user. An unknown
 * user or a token without the right stops the plan; an API that cannot be reached is only shown.
 */
export async function previewApiPath(
  env: Environment,
  target: SysReptorApiTarget,
  token: string,
  username: string,
  newPassword: string,
): Promise<ApiPreview> {
  const lines: string[] = [];
  const client = new SysReptorApi(env.http, target, token, {
    log: (line) => lines.push(line),
    secrets: [token, newPassword],
  });
  let caller: ApiUser;
  let found: ApiUser[];
  try {
    caller = await client.self();
    found = await client.findByUsername(username);
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    if (error instanceof SysReptorApiError && error.status === 401)
      throw new InputError('apiToken', `${error.message} ${error.fix ?? ''}`.trim());
    return {
      facts: [
        {
          label: 'SysReptor API',
          value: `not usable while planning: ${error.message}${error.fix ? ` ${error.fix}` : ''}`,
          status: 'error',
        },
      ],
      warnings: [
        'The API could not be used while planning; the run will stop at its first step if that stays so. Without the API, plan again with path: cli (docker on this machine) or path: database.',
      ],
    };
  }
  if (found.length === 0)
    throw new InputError(
      'username',
      `no SysReptor user is named exactly "${username}" (the login is case-sensitive).`,
    );
  if (found.length > 1)
    throw new InputError(
      'username',
      `${found.length} SysReptor users are named exactly "${username}"; Breakglass will not guess which one.`,
    );
  const user = found[0] as ApiUser;
  const refusal = canReset(caller, user);
  if (refusal) throw new ProcedureRefusal(`${refusal} Use another token, or another path.`);
  return {
    user,
    facts: [
      {
        label: 'Token of',
        value: `"${caller.username}" (${caller.scope.includes('admin') ? 'admin' : 'user manager'})`,
        status: 'ok',
      },
      {
        label: `User "${username}"`,
        value: `id ${user.id}, ${user.is_active ? 'active' : 'DISABLED'}${user.is_superuser ? ', superuser' : ''}${user.is_user_manager ? ', user manager' : ''}, must change password ${user.must_change_password}`,
        status: user.is_active ? 'ok' : 'warn',
      },
    ],
    warnings: user.is_active
      ? []
      : [
          `"${username}" is disabled: the re-enable step (if chosen) turns it on through the API, which also clears the failed-MFA counter and checks the licence user limit.`,
        ],
  };
}
