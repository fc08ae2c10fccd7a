import type { Transport } from '../../shared/ipc.js';
import { electronTransport } from './electron-transport.js';
import { connectWebSocket, tokenFromFragment } from './web-socket-transport.js';

/** The preload bridge inside Electron, else the web host's WebSocket; nothing else in the renderer knows which. */
export async function selectTransport(): Promise<Transport> {
  const bridge = electronTransport();
  if (bridge) return bridge;
  const token = tokenFromFragment(location.hash);
  if (!token) {
    throw new Error('This page needs its access token. Open the full address that `breakglass serve` (or `npm start`) printed, including the part after #.');
  }
  try {
    return await connectWebSocket(location.href, token);
  } catch {
    throw new Error('Breakglass refused or could not be reached. Open the exact address printed by the latest `breakglass serve` (the token changes on every launch).');
  }
}
