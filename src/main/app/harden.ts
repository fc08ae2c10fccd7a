/**
 * The session and web-contents policies of the shell: deny every permission, cancel every
 * request that is not the app's own or loopback, deny navigation, new windows and webviews.
 * Written against the few Electron methods it uses, so a test can drive the policies directly.
 */
import type { Session, WebContents } from 'electron';
import { isAppPageUrl } from './app-url.js';
import { isAllowedRequestUrl } from './request-policy.js';

export type SessionPolicyTarget = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
> & {
  webRequest: Pick<Session['webRequest'], 'onBeforeRequest'>;
};

export type WebContentsPolicyTarget = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

export function applySessionPolicy(session: SessionPolicyTarget): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !isAllowedRequestUrl(details.url) }),
  );
}

export function applyWebContentsPolicy(contents: WebContentsPolicyTarget): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppPageUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
