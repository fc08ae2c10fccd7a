/**
 * The Electron window loads the renderer from a privileged custom scheme instead of file://, so
 * "the app's own origin" means exactly these files and nothing else on disk.
 */
export const APP_SCHEME = 'breakglass';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True for the app's own page (any fragment or query), false for anything else, including malformed URLs. */
export function isAppPageUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== undefined &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.pathname === '/index.html'
  );
}

/** True for any resource of the app's own origin. */
export function isAppOriginUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== undefined && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
