/**
 * The bridge into the sandboxed window: exactly `invoke(channel, request)` and
 * `on(event, listener)`, limited to the contract's names. Nothing else of Electron is exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channelNames, eventNames } from '../shared/ipc.js';
import { EVENT_IPC, INVOKE_IPC, type EventMessage } from '../shared/transport-wire.js';

const allowedChannels = new Set<string>(channelNames);
const allowedEvents = new Set<string>(eventNames);

contextBridge.exposeInMainWorld('breakglass', {
  invoke(channel: string, request: unknown): Promise<unknown> {
    if (!allowedChannels.has(channel)) {
      return Promise.resolve({
        ok: false,
        code: 'unknown-channel',
        message: `Unknown channel ${JSON.stringify(String(channel))}.`,
      });
    }
    return ipcRenderer.invoke(INVOKE_IPC, channel, request);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!allowedEvents.has(event) || typeof listener !== 'function') return () => undefined;
    const relay = (_ipcEvent: IpcRendererEvent, message: EventMessage) => {
      if (message?.event === event) listener(message.payload);
    };
    ipcRenderer.on(EVENT_IPC, relay);
    return () => ipcRenderer.removeListener(EVENT_IPC, relay);
  },
});
