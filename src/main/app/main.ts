/** The Electron main process: one hardened window over the shared API. */
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { fileURLToPath } from 'node:url';
import { createApi } from '../api/create-api.js';
import { createRouter, internalErrorLogger } from '../api/ipc-router.js';
import { defaultDataDir } from '../api/data-dir.js';
import { EventHub } from '../api/event-hub.js';
import { builtRendererDir } from '../host/renderer-dir.js';
import { APP_ENTRY_URL } from './app-url.js';
import { serveAppScheme, registerAppScheme } from './app-protocol.js';
import { forwardEvents, registerIpc } from './electron-ipc.js';
import { applySessionPolicy, applyWebContentsPolicy } from './harden.js';
import { createMainWindow } from './main-window.js';
import { closeBeforeQuit } from './quit.js';

/** The error's kind only: its message may carry a value the engine did not get to redact. */
const logInternalError = internalErrorLogger('the window');

registerAppScheme(protocol);
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => applyWebContentsPolicy(contents));
app.on('window-all-closed', () => app.quit());

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.whenReady().then(start, (error: unknown) => fail(error));
}

async function start(): Promise<void> {
  applySessionPolicy(session.defaultSession);
  serveAppScheme(protocol, builtRendererDir());

  const hub = new EventHub();
  const api = await createApi({ dataDir: defaultDataDir(), transport: 'electron', emit: hub.emit });
  registerIpc(ipcMain, createRouter(api.handlers, logInternalError));
  app.on(
    'will-quit',
    closeBeforeQuit(
      () => api.close(),
      (code) => app.exit(code),
      logInternalError,
    ),
  );

  const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
  const window = createMainWindow(BrowserWindow, preloadPath);
  const stopForwarding = forwardEvents(hub, window.webContents);
  window.on('closed', stopForwarding);
  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_ENTRY_URL);
}

function fail(error: unknown): void {
  logInternalError(error);
  app.exit(1);
}
