/**
 * How the IPC contract travels: the Electron bridge's two IPC names, and the loopback web host's
 * WebSocket path, subprotocol and message shapes. Main, preload and renderer all import these.
 */
import type { Channel, EventName, Result } from './ipc.js';

/** `ipcRenderer.invoke(INVOKE_IPC, channel, request)` → Result. */
export const INVOKE_IPC = 'breakglass:invoke';
/** `webContents.send(EVENT_IPC, { event, payload })`. */
export const EVENT_IPC = 'breakglass:event';

/** The web host's WebSocket endpoint (same origin as the served renderer). */
export const WEB_SOCKET_PATH = '/ipc';
/** The client offers `Sec-WebSocket-Protocol: breakglass.<token>`; the host checks it on the upgrade. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'breakglass.';

export interface InvokeMessage {
  id: number;
  channel: Channel | string;
  request: unknown;
}
export interface ResultMessage {
  id: number;
  result: Result<unknown>;
}
export interface EventMessage {
  event: EventName;
  payload: unknown;
}
