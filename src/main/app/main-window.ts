import type { BrowserWindowConstructorOptions } from 'electron';

type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * The one window: an isolated, sandboxed renderer with no Node, no webviews and no auxclick.
 * The options are written inline in the `new BrowserWindow(...)` so the Electron security scanner
 * (which reads only literal options) checks them; tests pass a constructor that records them.
 */
export function createMainWindow<W>(BrowserWindow: WindowConstructor<W>, preloadPath: string): W {
  return new BrowserWindow({
    width: 1200,
    height: 880,
    minWidth: 820,
    minHeight: 600,
    title: 'Breakglass',
    show: false,
    backgroundColor: '#f6f7f9',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
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
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  });
}
