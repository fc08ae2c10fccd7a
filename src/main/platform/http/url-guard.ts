import { HttpError, SecretInUrlError } from './errors.js';

/** Query parameters that carry credentials by name (e.g. Synapse still accepts `?access_token=`). */
const CREDENTIAL_PARAMETERS = new Set([
  'access_token',
  'token',
  'password',
  'api_key',
  'apikey',
  'key',
  'secret',
]);

/**
 * Parses the URL and refuses it when it carries credentials (`user:pass@`) or any of the secrets,
 * raw or percent-encoded, anywhere in it — as the exec guard refuses a secret on argv.
 */
export function assertNoSecretInUrl(url: string, secrets: readonly string[] = []): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError('The request URL is not a valid absolute URL.', 'bad-url');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new HttpError(`The request URL must be http or https, not ${parsed.protocol}`, 'bad-url');
  if (parsed.username || parsed.password) throw new SecretInUrlError('user information before the host');
  for (const name of parsed.searchParams.keys())
    if (CREDENTIAL_PARAMETERS.has(name.toLowerCase()))
      throw new SecretInUrlError(`the query parameter ${name}`);
  const forms = [url, parsed.href, safeDecode(url), safeDecode(parsed.href)];
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const variants = [secret, safeEncode(secret)];
    if (forms.some((form) => variants.some((variant) => variant !== '' && form.includes(variant))))
      throw new SecretInUrlError(parsed.search.length > 1 ? 'its path or query' : 'its path');
  }
  return parsed;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function safeEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '';
  }
}
