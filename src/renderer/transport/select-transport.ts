import type { Transport } from '../../shared/ipc.js';
import { electronTransport } from './electron-transport.js';
import { connectWebSocket, tokenFromFragment } from './web-socket-transport.js';

/** Where the web host's token is kept for this tab once it has left the address bar (per origin, so per launch: the port changes). */
export const TOKEN_STORAGE_KEY = 'breakglass.token';

/**
 * The token from `#token=…` on first load, else the one this tab kept. Once read it is kept in
 * sessionStorage (a reload still connects) and removed from the address bar, so it is not left on
 * screen, in a screenshot or in the browser history.
 */
export function takeToken(): string | undefined {
  const fromFragment = tokenFromFragment(location.hash);
  if (fromFragment) {
    try {
      sessionStorage.setItem(TOKEN_STORAGE_KEY, fromFragment);
    } catch {
      // Storage off: the token still works for this page; a reload needs the printed address again.
    }
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    return fromFragment;
  }
  try {
    return tokenFromFragment(`#token=${sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? ''}`);
  } catch {
    return undefined;
  }
}

/** The preload bridge inside Electron, else the web host's WebSocket; nothing else in the renderer knows which. */
export async function selectTransport(): Promise<Transport> {
  const bridge = electronTransport();
  if (bridge) return bridge;
  const token = takeToken();
  if (!token) {
    throw new Error(
      'This page needs its access token. Open the full address that `breakglass serve` (or `npm start`) printed, including the part after #.',
    );
  }
  try {
    return await connectWebSocket(location.href, token);
  } catch {
    throw new Error(
      'Breakglass refused or could not be reached. Open the exact address printed by the latest `breakglass serve` (the token changes on every launch).',
    );
  }
}
