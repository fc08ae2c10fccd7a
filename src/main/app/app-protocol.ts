import type { Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-url.js';
import { contentSecurityPolicy } from '../host/content-security-policy.js';
import { readStaticFile } from '../host/static-files.js';

/** Must run before the app is ready: the scheme behaves like https (secure, standard origin). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
  ]);
}

/** Serves out/renderer on breakglass://app/ with the strict CSP; anything else is a 404. */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file =
      url.host === APP_HOST && request.method === 'GET'
        ? await readStaticFile(rendererDir, url.pathname)
        : undefined;
    if (!file)
      return new Response('Not found', {
        status: 404,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'Content-Type': file.contentType,
        'Content-Security-Policy': contentSecurityPolicy(),
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}
