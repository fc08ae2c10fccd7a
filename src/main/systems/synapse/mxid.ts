/**
 * The user's full Matrix ID (`users.name`), built from a localpart or taken as given. Only local
 * users of this homeserver can be reset, so an MXID's server part must be homeserver.yaml's
 * server_name. Synapse's login matches `lower(name)`, so the case of the localpart is kept as typed
 * and compared case-insensitively where the database is read.
 */
import { InputError } from '../../engine/types.js';

/** Matrix allows at most 255 bytes for a whole user ID. */
const MAX_MXID_BYTES = 255;

export interface Mxid {
  localpart: string;
  serverName: string;
  /** `@localpart:server_name`. */
  full: string;
}

export function resolveMxid(user: string, serverName: string, field = 'user'): Mxid {
  const given = user.trim();
  if (given === '')
    throw new InputError(field, 'enter the localpart (e.g. "alice") or the full MXID (@alice:example.org).');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(given))
    throw new InputError(field, 'a Matrix user ID holds no spaces or control characters.');
  let localpart = given;
  if (given.startsWith('@')) {
    const colon = given.indexOf(':');
    if (colon < 0)
      throw new InputError(
        field,
        `"${given}" has no server part: write @localpart:${serverName}, or only the localpart.`,
      );
    localpart = given.slice(1, colon);
    const server = given.slice(colon + 1);
    if (server !== serverName)
      throw new InputError(
        field,
        `"${given}" belongs to server "${server}", but this homeserver's server_name is "${serverName}": only its local users can be reset here.`,
      );
  } else if (given.includes(':'))
    throw new InputError(field, `"${given}" is neither a localpart nor an MXID (an MXID starts with @).`);
  if (localpart === '') throw new InputError(field, 'the localpart (between @ and :) is empty.');
  const full = `@${localpart}:${serverName}`;
  if (Buffer.byteLength(full, 'utf8') > MAX_MXID_BYTES)
    throw new InputError(field, `a Matrix user ID has at most ${MAX_MXID_BYTES} bytes.`);
  return { localpart, serverName, full };
}
