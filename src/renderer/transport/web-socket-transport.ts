/**
 * The contract over the web host's WebSocket: the per-launch token from the URL fragment is
 * offered as the subprotocol; each invoke carries an id and gets its result back by that id.
 */
import type {
  Channel,
  EventName,
  EventPayload,
  Request,
  Response,
  Result,
  Transport,
} from '../../shared/ipc.js';
import {
  TOKEN_SUBPROTOCOL_PREFIX,
  WEB_SOCKET_PATH,
  type EventMessage,
  type InvokeMessage,
  type ResultMessage,
} from '../../shared/transport-wire.js';

const CLOSED: Result<never> = {
  ok: false,
  code: 'internal',
  message:
    'The connection to Breakglass closed. Is `breakglass serve` still running? Reload the page from the address it printed.',
};

export function tokenFromFragment(hash: string): string | undefined {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && /^[A-Za-z0-9_-]+$/.test(token) ? token : undefined;
}

export function connectWebSocket(pageUrl: string, token: string): Promise<Transport> {
  const url = new URL(WEB_SOCKET_PATH, pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  const socket = new WebSocket(url.toString(), [`${TOKEN_SUBPROTOCOL_PREFIX}${token}`]);
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;

  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as Partial<ResultMessage & EventMessage>;
    if (typeof data.id === 'number' && data.result) {
      pending.get(data.id)?.(data.result);
      pending.delete(data.id);
    } else if (typeof data.event === 'string') {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve(CLOSED);
    pending.clear();
  });

  const transport: Transport = {
    invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Response<C>>> {
      if (socket.readyState !== WebSocket.OPEN) return Promise.resolve(CLOSED);
      const id = nextId++;
      const message: InvokeMessage = { id, channel, request };
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: Result<unknown>) => void);
        socket.send(JSON.stringify(message));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const relay = listener as (payload: unknown) => void;
      set.add(relay);
      return () => set.delete(relay);
    },
  };

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(transport), { once: true });
    socket.addEventListener('error', () => reject(new Error('refused')), { once: true });
  });
}
