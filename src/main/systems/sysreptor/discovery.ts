/** What the deploy folder tells an admin, as facts: shown by discovery and at the top of every plan. */
import type { DiscoveryReport, Fact } from '../../../shared/procedure.js';
import { defaultEncryptionKey, type SysReptorDeploy } from './deploy.js';

/** Why the user's own forgot-password does or does not work here (settings.py's FORGOT_PASSWORD_ENABLED conditions). */
export function forgotPasswordReasons(
  deploy: SysReptorDeploy,
  userEmail?: string | null,
): { usable: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (deploy.forgotPasswordEnabled !== true)
    reasons.push(
      deploy.forgotPasswordEnabled === false
        ? 'FORGOT_PASSWORD_ENABLED is off in app.env'
        : 'FORGOT_PASSWORD_ENABLED is not set in app.env (default off; it may still be switched on in the web settings, which Breakglass cannot read here)',
    );
  if (deploy.edition === 'community') reasons.push('it needs a Professional licence (no LICENSE in app.env)');
  if (!deploy.localUserAuth) reasons.push('LOCAL_USER_AUTH_ENABLED is off');
  if (!deploy.emailHost) reasons.push('no EMAIL_HOST is configured');
  if (deploy.allowedHosts.length === 0 || deploy.allowedHosts.some((host) => host.includes('*')))
    reasons.push('ALLOWED_HOSTS is a wildcard');
  if (userEmail === null) reasons.push('the user has no email address');
  return { usable: reasons.length === 0, reasons };
}

export function deployFacts(deploy: SysReptorDeploy): Fact[] {
  const { key, reason } = defaultEncryptionKey(deploy);
  const forgot = forgotPasswordReasons(deploy);
  return [
    { label: 'Deploy folder', value: deploy.deployDir, status: 'info' },
    { label: 'App URL', value: deploy.appUrl, status: 'info' },
    {
      label: 'Edition',
      value:
        deploy.edition === 'professional'
          ? 'Professional (a LICENSE is set in app.env; its validity is not checked offline)'
          : 'Community (no LICENSE in app.env): only superusers may log in, and must_change_password is ignored',
      status: 'info',
    },
    {
      label: 'Database (from .env)',
      value: `${deploy.database.user}@${deploy.database.host}:${deploy.database.port}/${deploy.database.name}, schema ${deploy.database.schema}`,
      status: 'info',
    },
    {
      label: 'Encryption at rest',
      value: key
        ? `${deploy.encryption.keys.length} key(s) in ENCRYPTION_KEYS; default key "${key.id}"`
        : `no usable default key (${reason ?? 'none'})`,
      status: key ? 'ok' : 'warn',
    },
    {
      label: 'Forgot-password email',
      value: forgot.usable
        ? 'configured in app.env (the user also needs an email address)'
        : `not available: ${forgot.reasons.join('; ')}`,
      status: forgot.usable ? 'ok' : 'info',
    },
  ];
}

export function sysreptorDiscoveryReport(deploy: SysReptorDeploy): DiscoveryReport {
  return {
    system: 'sysreptor',
    title: 'SysReptor',
    sections: [{ title: 'Deploy folder', facts: deployFacts(deploy) }],
  };
}
