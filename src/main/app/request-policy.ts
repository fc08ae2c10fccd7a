/**
 * Which network requests the Electron session lets through: the app's own scheme, in-page data
 * and blobs, and loopback. Everything else (the internet, the LAN, file://) is cancelled.
 */
import { isAppOriginUrl } from './app-url.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const LOOPBACK_PROTOCOLS = new Set(['http:', 'https:', 'ws:', 'wss:']);
const IN_PAGE_PROTOCOLS = new Set(['data:', 'blob:', 'devtools:']);

export function isAllowedRequestUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (isAppOriginUrl(url)) return true;
  if (IN_PAGE_PROTOCOLS.has(parsed.protocol)) return true;
  return LOOPBACK_PROTOCOLS.has(parsed.protocol) && LOOPBACK_HOSTS.has(parsed.hostname);
}
