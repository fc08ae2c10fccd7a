/**
 * The reset paths in the order a careful admin prefers them (the user's own forgot-password, the
 * API, the CLI in the app container, the database), each with why it does or does not fit here,
 * and the path chosen when the inputs name none.
 */
import type { Fact } from '../../../shared/procedure.js';
import type { CliCommand } from './cli-path.js';
import type { SysReptorDeploy } from './deploy.js';
import { forgotPasswordReasons } from './discovery.js';

export type SysReptorPath = 'api' | 'cli' | 'database';

/** createorupdateuser's own minimum (a CommandError below it). */
export const CLI_MIN_PASSWORD_LENGTH = 15;

export interface PathChoice {
  tokenGiven: boolean;
  passwordLength: number;
  mustChangePassword: boolean;
  reactivate: boolean;
  cliCommand: CliCommand;
}

/** No path named: the API when a token is given, else the database (the CLI leaves the flags alone, so it is chosen only by name). */
export function defaultPath(tokenGiven: boolean): SysReptorPath {
  return tokenGiven ? 'api' : 'database';
}

export function pathFacts(
  deploy: SysReptorDeploy,
  choice: PathChoice,
  chosen: SysReptorPath,
  userEmail?: string | null,
): Fact[] {
  const forgot = forgotPasswordReasons(deploy, userEmail);
  const cliLimits = [
    ...(choice.cliCommand === 'createorupdateuser' && choice.passwordLength < CLI_MIN_PASSWORD_LENGTH
      ? [
          `the new password is shorter than the ${CLI_MIN_PASSWORD_LENGTH} characters createorupdateuser wants`,
        ]
      : []),
    ...(choice.mustChangePassword ? ['it cannot set must_change_password'] : []),
    ...(choice.reactivate ? ['it cannot re-enable the user or clear the failed-MFA counter'] : []),
  ];
  const mark = (path: SysReptorPath) => (path === chosen ? ' ← this run' : '');
  return [
    {
      label: "1. The user's own forgot-password",
      value: forgot.usable
        ? `works here: the user clicks "Forgot Password?" on ${deploy.appUrl}/login/ and follows the emailed link (Breakglass does not do this)`
        : `not available (${forgot.reasons.join('; ')})`,
      status: forgot.usable ? 'ok' : 'info',
    },
    {
      label: `2. API reset${mark('api')}`,
      value: choice.tokenGiven
        ? 'an API token is given: SysReptor checks the password rules and the rights itself, sets must_change_password and re-enables through its own API (preferred admin path)'
        : 'needs an API token of a user manager or of a superuser made with --admin (manage.py createapitoken <user> --admin); give apiToken',
      status: choice.tokenGiven ? 'ok' : 'info',
    },
    {
      label: `3. CLI in the app container${mark('cli')}`,
      value: `${
        choice.cliCommand === 'createorupdateuser'
          ? 'docker compose exec app python3 manage.py createorupdateuser, the password through the environment'
          : "docker compose exec app python3 manage.py changepassword in a pseudo-terminal, the password typed at Django's prompts"
      }; ${cliLimits.length === 0 ? 'fits these inputs' : `limits here: ${cliLimits.join('; ')}`}`,
      status: cliLimits.length === 0 ? 'ok' : 'warn',
    },
    {
      label: `4. Database (last resort)${mark('database')}`,
      value:
        'writes the hash directly (no password rules, no licence check); needs the database and, for encrypted values, the default key from app.env',
      status: 'warn',
    },
  ];
}
