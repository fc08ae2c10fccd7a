import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { EventHub } from '../../src/main/api/event-hub.js';
import { APP_ENTRY_URL, isAppPageUrl } from '../../src/main/app/app-url.js';
import {
  contentSecurityPolicy,
  metaContentSecurityPolicy,
} from '../../src/main/host/content-security-policy.js';
import { forwardEvents, handleInvoke } from '../../src/main/app/electron-ipc.js';
import {
  applySessionPolicy,
  applyWebContentsPolicy,
  type SessionPolicyTarget,
  type WebContentsPolicyTarget,
} from '../../src/main/app/harden.js';
import { createRouter } from '../../src/main/api/ipc-router.js';
import { createMainWindow } from '../../src/main/app/main-window.js';
import { isAllowedRequestUrl } from '../../src/main/app/request-policy.js';
import { EVENT_IPC } from '../../src/shared/transport-wire.js';
import { createFixtureHandlers } from './ipc-handlers-fixture.js';

class RecordingWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

describe('main window', () => {
  it('is isolated and sandboxed, with no Node, no webviews and no insecure content', () => {
    const { options } = createMainWindow(RecordingWindow, '/app/out/preload/index.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(options.show).toBe(false);
  });
});

/** Records what the policy installs on a session, so each decision can be asked directly. */
function recordSession() {
  const installed: {
    permissionRequest?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
    permissionCheck?: (...args: unknown[]) => boolean;
    devicePermission?: (...args: unknown[]) => boolean;
    beforeRequest?: (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void;
  } = {};
  const target = {
    setPermissionRequestHandler: (handler: never) => (installed.permissionRequest = handler),
    setPermissionCheckHandler: (handler: never) => (installed.permissionCheck = handler),
    setDevicePermissionHandler: (handler: never) => (installed.devicePermission = handler),
    webRequest: { onBeforeRequest: (handler: never) => (installed.beforeRequest = handler) },
  } as unknown as SessionPolicyTarget;
  applySessionPolicy(target);
  const cancelled = (url: string) => {
    let response: { cancel?: boolean } | undefined;
    installed.beforeRequest?.({ url }, (answer) => (response = answer));
    return response?.cancel;
  };
  return { installed, cancelled };
}

describe('session policy', () => {
  it('denies every permission request and check', () => {
    const { installed } = recordSession();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'fullscreen',
    ]) {
      let granted: boolean | undefined;
      installed.permissionRequest?.({}, permission, (answer) => (granted = answer));
      expect(granted, permission).toBe(false);
    }
    expect(installed.permissionCheck?.({}, 'media', 'breakglass://app', {})).toBe(false);
    expect(installed.devicePermission?.({ deviceType: 'usb', origin: 'breakglass://app' })).toBe(false);
  });

  it('lets through only the app scheme, in-page data and loopback; cancels the internet, the LAN and file://', () => {
    const { cancelled } = recordSession();
    for (const url of [
      'breakglass://app/index.html',
      'breakglass://app/assets/index-abc.js',
      'data:image/png;base64,AA',
      'blob:breakglass://app/1f2e',
      'http://127.0.0.1:5432/',
      'ws://127.0.0.1:8123/ipc',
      'http://localhost:3000/x',
      'http://[::1]:80/',
    ]) {
      expect(cancelled(url), url).toBe(false);
    }
    for (const url of [
      'https://example.com/',
      'http://10.0.0.5/',
      'http://192.168.1.1/',
      'https://fonts.googleapis.com/css',
      'file:///etc/passwd',
      'http://127.0.0.1.evil.com/',
      'http://localhost.evil.com/',
      'breakglass://other/index.html',
      'ftp://127.0.0.1/',
      'not a url',
    ]) {
      expect(cancelled(url), url).toBe(true);
    }
  });

  it('agrees with the request predicate used everywhere', () => {
    expect(isAllowedRequestUrl('http://127.0.0.1:1/')).toBe(true);
    expect(isAllowedRequestUrl('https://8.8.8.8/')).toBe(false);
  });
});

describe('web contents policy', () => {
  function recordContents() {
    const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const target = {
      setWindowOpenHandler: (handler: never) => (openHandler = handler),
      on: (name: string, listener: never) => listeners.set(name, listener),
    } as unknown as WebContentsPolicyTarget;
    applyWebContentsPolicy(target);
    const prevented = (name: string, url?: string) => {
      let stopped = false;
      listeners.get(name)?.({ preventDefault: () => (stopped = true) }, url);
      return stopped;
    };
    return { openHandler: () => openHandler, prevented };
  }

  it('denies new windows, webviews, redirects and navigation away from the app page', () => {
    const { openHandler, prevented } = recordContents();
    expect(openHandler()?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(openHandler()?.({ url: APP_ENTRY_URL })).toEqual({ action: 'deny' });
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-navigate', 'breakglass://app/other.html')).toBe(true);
    expect(prevented('will-navigate', `${APP_ENTRY_URL}#runs`)).toBe(false);
    expect(prevented('will-redirect', 'https://example.com/')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
  });
});

describe('IPC sender check', () => {
  const { handlers } = createFixtureHandlers(new EventHub().emit, { transport: 'electron' });
  const invoke = handleInvoke(createRouter(handlers));
  const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as never;

  it('answers the app page', async () => {
    expect(await invoke(frame(`${APP_ENTRY_URL}`), 'app.info', {})).toMatchObject({
      ok: true,
      value: { transport: 'electron' },
    });
  });

  it('refuses foreign senders with forbidden before looking at the channel', async () => {
    for (const sender of [
      frame('https://evil.example/'),
      frame('file:///tmp/index.html'),
      frame('breakglass://app/evil.html'),
      frame(APP_ENTRY_URL, { url: APP_ENTRY_URL }),
      { senderFrame: null } as never,
    ]) {
      expect(await invoke(sender, 'app.info', {})).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await invoke(sender, 'no.such.channel', {})).toMatchObject({ ok: false, code: 'forbidden' });
    }
  });

  it('knows the app page by scheme, host and path only', () => {
    expect(isAppPageUrl('breakglass://app/index.html?x=1#y')).toBe(true);
    expect(isAppPageUrl('breakglass://app.evil/index.html')).toBe(false);
    expect(isAppPageUrl('http://app/index.html')).toBe(false);
  });
});

describe('events to the window', () => {
  it('forwards hub events on the event IPC until unsubscribed, and skips a destroyed window', () => {
    const hub = new EventHub();
    const sent: unknown[][] = [];
    let destroyed = false;
    const stop = forwardEvents(hub, {
      send: (...args: unknown[]) => sent.push(args),
      isDestroyed: () => destroyed,
    } as never);
    const payload = { type: 'log', runId: 'r1', line: 'hello', run: {} } as never;
    hub.emit('run.event', payload);
    expect(sent).toEqual([[EVENT_IPC, { event: 'run.event', payload }]]);
    destroyed = true;
    hub.emit('run.event', payload);
    expect(sent).toHaveLength(1);
    stop();
    destroyed = false;
    hub.emit('run.event', payload);
    expect(sent).toHaveLength(1);
  });
});

describe('Content-Security-Policy', () => {
  it('allows only the app itself: no remote origins, no inline or eval script', () => {
    const policy = contentSecurityPolicy({ connectSources: ['ws://127.0.0.1:4000'] });
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("connect-src 'self' ws://127.0.0.1:4000");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(metaContentSecurityPolicy()).not.toContain('frame-ancestors');
  });
});
