/**
 * Authgear's Admin API path: the user found by login ID, `resetPassword` with the password
 * Breakglass has (never left to the server, which would not return it) and `setPasswordExpired`
 * as a follow-up when the server ignored the flag (zero or several primary passwords), then —
 * each its own previewed step — `revokeAllSessions`, `setDisabledStatus` to re-enable, and
 * `resetAccountLockout` where the server has it. The Admin API cannot check a password, so the
 * proof is the user's authenticators as the server reports them afterwards.
 */
import type { Fact } from '../../../shared/procedure.js';
import {
  InputError,
  StepFailure,
  type Environment,
  type StepContext,
  type StepDefinition,
} from '../../engine/types.js';
import {
  AdminApiGraphqlError,
  AuthgearAdminApi,
  primaryPasswordsOf,
  type AdminApiTarget,
  type AdminApiUser,
} from './admin-api.js';
import type { LoginIdKey } from './store.js';

export interface AdminApiPathOptions {
  target: AdminApiTarget;
  loginIdKey: LoginIdKey;
  loginId: string;
  newPassword: string;
  setPasswordExpired: boolean;
  sendPassword: boolean;
  revokeSessions: boolean;
  reenable: boolean;
  resetLockout: boolean;
}

const REENABLED_KEY = 'authgear-admin-api-reenabled';
const RESET_AT_KEY = 'authgear-admin-api-reset-at';

function client(ctx: StepContext, options: AdminApiPathOptions): AuthgearAdminApi {
  ctx.addSecret(options.newPassword);
  return new AuthgearAdminApi(ctx.env.http, options.target, {
    log: (line) => ctx.log(line),
    signal: ctx.signal,
    secrets: [options.newPassword],
  });
}

async function findUser(api: AuthgearAdminApi, options: AdminApiPathOptions): Promise<AdminApiUser> {
  const user = await api.userByLoginId(options.loginIdKey, options.loginId);
  if (!user)
    throw new StepFailure(
      `No user of app "${options.target.appId}" has the ${options.loginIdKey} login ID "${options.loginId}".`,
      'Check the login ID and its kind (loginIdKey: email, username, phone) and the app id.',
    );
  return user;
}

export interface AdminApiPreview {
  facts: Fact[];
  warnings: string[];
}

/** Read-only look while planning: the user and its primary passwords; an unknown user or a refused JWT stops the plan. */
export async function previewAdminApi(
  env: Environment,
  options: AdminApiPathOptions,
): Promise<AdminApiPreview> {
  const api = new AuthgearAdminApi(env.http, options.target, {
    log: () => undefined,
    secrets: [options.newPassword],
  });
  let user: AdminApiUser | null;
  try {
    user = await api.userByLoginId(options.loginIdKey, options.loginId);
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    if (/refused the signed JWT/.test(error.message))
      throw new InputError('adminApiKey', `${error.message} ${error.fix ?? ''}`.trim());
    if (/answered "app not found"/.test(error.message))
      throw new InputError('adminApiHost', `${error.message} ${error.fix ?? ''}`.trim());
    return {
      facts: [
        {
          label: 'Admin API',
          value: `not usable while planning: ${error.message}${error.fix ? ` ${error.fix}` : ''}`,
          status: 'error',
        },
      ],
      warnings: [
        'The Admin API could not be used while planning; the run will stop at its first step if that stays so. When it cannot be reached at all, plan again with path: database.',
      ],
    };
  }
  if (!user)
    throw new InputError(
      'loginId',
      `no user of app "${options.target.appId}" has the ${options.loginIdKey} login ID "${options.loginId}".`,
    );
  const primaries = primaryPasswordsOf(user);
  const warnings: string[] = [];
  if (user.isAnonymized) warnings.push('The user is anonymized: Authgear will refuse the reset.');
  if (primaries.length !== 1)
    warnings.push(
      `The user has ${primaries.length} primary passwords: resetPassword replaces them with one new authenticator and ignores setPasswordExpired${options.setPasswordExpired ? ', so a setPasswordExpired step follows' : ''}.`,
    );
  if (user.isDisabled && !options.reenable)
    warnings.push(
      'The user is disabled and stays disabled (reenable is off): the new password will not let them in.',
    );
  return {
    facts: [
      {
        label: 'User',
        value: `${user.id}, ${user.isDisabled ? `DISABLED${user.disableReason ? ` (${user.disableReason})` : ''}` : 'enabled'}, ${primaries.length} primary password(s)`,
        status: user.isDisabled || primaries.length !== 1 ? 'warn' : 'ok',
      },
    ],
    warnings,
  };
}

export function adminApiSteps(options: AdminApiPathOptions): StepDefinition[] {
  const { target } = options;
  const who = `${options.loginIdKey} "${options.loginId}"`;

  const check: StepDefinition = {
    id: 'check-admin-api',
    kind: 'check',
    title: `Reach the Admin API and find the user with ${who}`,
    describe: () => ({
      summary: `Signs a 5-minute RS256 JWT with the admin-api.auth key "${target.key.kid}" (aud "${target.appId}") and asks ${target.endpoint} getUserByLoginID.`,
      details: ['The JWT is sent only in the Authorization header and never logged.'],
    }),
    async run(ctx) {
      const user = await findUser(client(ctx, options), options);
      if (user.isAnonymized)
        throw new StepFailure('The user is anonymized; Authgear refuses to reset its password.');
      ctx.log(`Found ${user.id} with ${primaryPasswordsOf(user).length} primary password(s).`);
    },
  };

  const reset: StepDefinition = {
    id: 'reset-password-admin-api',
    kind: 'change',
    title: `Reset the password of ${who} (resetPassword)`,
    describe: () => ({
      summary: `resetPassword with the password Breakglass has, sendPassword = ${options.sendPassword}, setPasswordExpired = ${options.setPasswordExpired}.`,
      details: [
        "Authgear's password policy and history checks run on the server.",
        'With zero or several primary passwords the server replaces them with one and ignores setPasswordExpired (the next step then sets it).',
        'It ends no session and clears no lockout (the next steps do, if chosen).',
      ],
      undo: 'None: Authgear never gives back the old password.',
    }),
    async run(ctx) {
      const api = client(ctx, options);
      const user = await findUser(api, options);
      await ctx.backup.saveValues(RESET_AT_KEY, { at: new Date().toISOString() });
      await api.graphql(
        'resetPassword',
        {
          userID: user.id,
          password: options.newPassword,
          sendPassword: options.sendPassword,
          setPasswordExpired: options.setPasswordExpired,
        },
        'reset the password',
      );
      ctx.log(`resetPassword done for ${user.id}.`);
    },
  };

  const expire: StepDefinition = {
    id: 'set-password-expired',
    kind: 'change',
    title: 'Make sure a password change is forced at the next login',
    describe: () => ({
      summary:
        'Reads the primary passwords back; when resetPassword ignored setPasswordExpired (zero or several primary passwords before), calls setPasswordExpired(expired: true).',
    }),
    async run(ctx) {
      const api = client(ctx, options);
      const user = await findUser(api, options);
      const primaries = primaryPasswordsOf(user);
      if (primaries.length > 0 && primaries.every((authenticator) => authenticator.expireAfter !== null)) {
        ctx.log('The primary password is already marked expired; nothing to do.');
        return;
      }
      await api.graphql(
        'setPasswordExpired',
        { userID: user.id, expired: true },
        'mark the password expired',
      );
      ctx.log('setPasswordExpired(expired: true) done.');
    },
  };

  const revoke: StepDefinition = {
    id: 'revoke-all-sessions',
    kind: 'change',
    title: 'End all of the user’s sessions (revokeAllSessions)',
    describe: () => ({
      summary: 'revokeAllSessions: signs the user out everywhere (IdP sessions and refresh tokens in Redis).',
      undo: 'None: ended sessions cannot come back; the user logs in again.',
    }),
    async run(ctx) {
      const api = client(ctx, options);
      const user = await findUser(api, options);
      await api.graphql('revokeAllSessions', { userID: user.id }, 'end the sessions');
      ctx.log(`All sessions of ${user.id} ended.`);
    },
  };

  const reenable: StepDefinition = {
    id: 'reenable-user',
    kind: 'change',
    title: 'Re-enable the user if it is disabled (setDisabledStatus)',
    describe: () => ({
      summary:
        'When the user is disabled: setDisabledStatus(isDisabled: false), which the server applies to all the columns its disabled state derives from. Nothing when it is enabled.',
      undo: 'Disables the user again with its old reason, when this run enabled it.',
    }),
    async run(ctx) {
      const api = client(ctx, options);
      const user = await findUser(api, options);
      const earlier = await ctx.backup.loadValues<{ userId: string; reason: string | null }>(REENABLED_KEY);
      if (!user.isDisabled) {
        if (earlier) await ctx.backup.saveResult(REENABLED_KEY, earlier);
        ctx.log(
          earlier ? 'Re-enabled by an earlier attempt of this run.' : 'The user is enabled; nothing to do.',
        );
        return;
      }
      const saved = { userId: user.id, reason: user.disableReason };
      await ctx.backup.saveValues(REENABLED_KEY, saved);
      await api.graphql('setDisabledStatus', { userID: user.id, isDisabled: false }, 're-enable the user');
      await ctx.backup.saveResult(REENABLED_KEY, saved);
      ctx.log(`Re-enabled ${user.id}.`);
    },
    async checkUndo(ctx) {
      const saved = await ctx.backup.loadResult<{ userId: string }>(REENABLED_KEY);
      if (saved && (await findUser(client(ctx, options), options)).isDisabled)
        throw new StepFailure('The user was disabled again after this run; nothing to undo.');
    },
    async undo(ctx) {
      const saved = await ctx.backup.loadResult<{ userId: string; reason: string | null }>(REENABLED_KEY);
      if (!saved) {
        ctx.log('This run did not re-enable the user; nothing to undo.');
        return;
      }
      await client(ctx, options).graphql(
        'setDisabledStatus',
        { userID: saved.userId, isDisabled: true, reason: saved.reason },
        'disable the user again',
      );
      ctx.log(`Disabled ${saved.userId} again${saved.reason ? ` ("${saved.reason}")` : ''}.`);
    },
  };

  const unlock: StepDefinition = {
    id: 'reset-account-lockout',
    kind: 'change',
    title: 'Clear a login lockout (resetAccountLockout)',
    describe: () => ({
      summary:
        'resetAccountLockout clears the failed-attempt lockout kept in Redis. Servers before 2026-05-20.0 do not have it: then this step says so and changes nothing (the lockout ends on its own when its window passes).',
    }),
    async run(ctx) {
      const api = client(ctx, options);
      const user = await findUser(api, options);
      try {
        await api.graphql('resetAccountLockout', { userID: user.id }, 'clear the lockout');
        ctx.log(`Lockout of ${user.id} cleared.`);
      } catch (error) {
        if (!(error instanceof AdminApiGraphqlError) || !/has no resetAccountLockout/.test(error.message))
          throw error;
        ctx.log(
          'This Authgear server has no resetAccountLockout (added in 2026-05-20.0): a lockout, if any, stays until its window passes. Breakglass does not touch Redis.',
        );
      }
    },
  };

  const verify: StepDefinition = {
    id: 'verify-admin-api',
    kind: 'verify',
    title: 'Check the user as the server reports it now',
    describe: () => ({
      summary: `Reads the user back: one primary password updated by this run${options.setPasswordExpired ? ', marked expired' : ', not expired'}${options.reenable ? ', the user enabled' : ''}. The Admin API cannot test a password itself.`,
    }),
    async run(ctx) {
      const user = await findUser(client(ctx, options), options);
      const primaries = primaryPasswordsOf(user);
      const resetAt = (await ctx.backup.loadValues<{ at: string }>(RESET_AT_KEY))?.at;
      if (primaries.length !== 1)
        throw new StepFailure(
          `The user has ${primaries.length} primary passwords after the reset, not one.`,
          'Retry the reset.',
        );
      const [primary] = primaries as [AdminApiUser['authenticators'][number]];
      // Five minutes of skew, as the server allows for its JWTs.
      if (resetAt && primary.updatedAt && Date.parse(primary.updatedAt) < Date.parse(resetAt) - 300_000)
        throw new StepFailure('The primary password was not updated by this run.', 'Retry the reset.');
      if (options.setPasswordExpired !== (primary.expireAfter !== null))
        throw new StepFailure(
          `The password is ${primary.expireAfter ? '' : 'not '}marked expired, which is not what was asked.`,
          'Retry the expiry step.',
        );
      if (options.reenable && user.isDisabled)
        throw new StepFailure('The user is still disabled.', 'Retry the re-enable step.');
      ctx.log(
        `One primary password, updated ${primary.updatedAt ?? 'now'}${primary.expireAfter ? ', change forced at the next login' : ''}; the user is ${user.isDisabled ? 'disabled' : 'enabled'}.`,
      );
    },
  };

  return [
    check,
    reset,
    ...(options.setPasswordExpired ? [expire] : []),
    ...(options.revokeSessions ? [revoke] : []),
    ...(options.reenable ? [reenable] : []),
    ...(options.resetLockout ? [unlock] : []),
    verify,
  ];
}
