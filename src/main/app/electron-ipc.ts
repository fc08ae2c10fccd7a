/**
 * The thin Electron side of the IPC: one invoke handler that checks the sender frame and hands
 * the call to the shared router, and events forwarded from the hub to the window.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventHub } from '../api/event-hub.js';
import { EVENT_IPC, INVOKE_IPC, type EventMessage } from '../../shared/transport-wire.js';
import type { Result } from '../../shared/ipc.js';
import { isAppPageUrl } from './app-url.js';
import { failure, type Route } from '../api/ipc-router.js';

/** Only the app's own top-level page may call; an iframe or a navigated-away page gets `forbidden`. */
export function senderIsAppPage(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppPageUrl(frame.url);
}

export function handleInvoke(
  route: Route,
): (
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  channel: unknown,
  request: unknown,
) => Promise<Result<unknown>> {
  return async (event, channel, request) => {
    if (!senderIsAppPage(event))
      return failure('forbidden', 'This IPC call did not come from the Breakglass window.');
    return route(channel, request);
  };
}

export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, route: Route): void {
  ipcMain.handle(INVOKE_IPC, handleInvoke(route));
}

export function forwardEvents(
  hub: EventHub,
  contents: Pick<WebContents, 'send' | 'isDestroyed'>,
): () => void {
  return hub.subscribe((event, payload) => {
    if (contents.isDestroyed()) return;
    const message: EventMessage = { event, payload };
    contents.send(EVENT_IPC, message);
  });
}
