import type { Redactor } from '../../../shared/redact.js';
import { MASK } from '../../../shared/redact.js';
import type { HttpRequest, HttpResponse } from './types.js';

/** Headers that carry credentials by name: masked whatever their value. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'proxy-authorization',
]);

/** Headers fit for a log or the journal: credential headers masked, every other value redacted. */
export function loggableHeaders(headers: Readonly<Record<string, string>> | undefined, redactor: Redactor) {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    safe[name] = CREDENTIAL_HEADERS.has(name.toLowerCase()) ? MASK : redactor.redact(value);
  return safe;
}

/** A body fit for a log: the request's secrets and the redactor's masked, cut to `max` characters. */
export function loggableBody(body: unknown, redactor: Redactor, max = 2000): string {
  if (body === undefined) return '';
  const text = redactor.redact(typeof body === 'string' ? body : JSON.stringify(body));
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** "POST https://host/path → 200", the URL and status only; for a step's log. */
export function exchangeLine(
  request: HttpRequest,
  response: HttpResponse | undefined,
  redactor: Redactor,
): string {
  const line = `${request.method} ${redactor.redact(request.url)}`;
  return response ? `${line} → ${response.status}` : line;
}
