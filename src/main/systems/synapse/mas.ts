/**
 * Homeservers behind Matrix Authentication Service (MAS): Synapse no longer owns passwords, so
 * its admin reset is not registered (404 M_UNRECOGNIZED), PUT v2/users with a password answers
 * 403, and a users.password_hash write or the playbook's update-user-password tag "succeed" while
 * the password people log in with (MAS's user_passwords) stays the same.
 */
import type { Homeserver } from './homeserver.js';
import type { Mxid } from './mxid.js';

/** Why the Synapse paths are refused here, and what to do instead. */
export function masRefusal(homeserver: Homeserver, mxid: Mxid, path: string | undefined): string {
  const via =
    homeserver.mas?.via === 'experimental_features.msc3861'
      ? 'experimental_features.msc3861.enabled'
      : 'matrix_authentication_service.enabled';
  const endpoint = homeserver.mas?.endpoint ? ` (${homeserver.mas.endpoint})` : '';
  const asked = `${path ? `The ${path} path cannot` : 'No Synapse path can'} work here: Synapse's POST /_synapse/admin/v1/reset_password is not registered (404 M_UNRECOGNIZED), PUT /_synapse/admin/v2/users with a password answers 403, and a users.password_hash UPDATE or the playbook's --tags=update-user-password report success while the password checked at login stays the same. `;
  return (
    `${homeserver.file} delegates logins to Matrix Authentication Service${endpoint} (${via}): passwords live in MAS, not in Synapse. ` +
    asked +
    `Reset it in MAS instead: path mas-admin-api (a MAS admin token) or mas-database (masConfig, MAS's config.yaml) — its admin API is POST /api/admin/v1/users/{id}/set-password {"password": …} (find the id with GET /api/admin/v1/users/by-username/${mxid.localpart}; then /unlock or /reactivate if needed), ` +
    `or in the matrix-authentication-service container: mas-cli manage set-password ${mxid.localpart} (avoid the password on its command line) and mas-cli manage kill-sessions ${mxid.localpart}.`
  );
}
