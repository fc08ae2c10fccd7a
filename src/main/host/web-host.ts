/**
 * The loopback web host: the built renderer over HTTP and the IPC contract over a WebSocket, on
 * 127.0.0.1 only. A random token per launch (in the URL fragment, so it never reaches a server log
 * or a Referer) must come back as the WebSocket subprotocol, from the host's own Origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventHub } from '../api/event-hub.js';
import type { Handlers } from '../api/types.js';
import { createRouter, failure, internalErrorLogger, type Route } from '../api/ipc-router.js';
import {
  TOKEN_SUBPROTOCOL_PREFIX,
  WEB_SOCKET_PATH,
  type EventMessage,
  type ResultMessage,
} from '../../shared/transport-wire.js';
import { contentSecurityPolicy } from './content-security-policy.js';
import { readStaticFile } from './static-files.js';

const LOOPBACK = '127.0.0.1';
/** Inputs and reports are small; anything this large is not a real request. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startWebHost(options: {
  handlers: Handlers;
  hub: EventHub;
  rendererDir: string;
  port?: number;
}): Promise<WebHost> {
  const token = randomBytes(32).toString('base64url');
  const route = createRouter(options.handlers, internalErrorLogger('the web wizard'));
  const server = http.createServer();
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;
  const headers = securityHeaders(`ws://${LOOPBACK}:${port}`);

  server.on('request', (request, response) => {
    void serveFile(options.rendererDir, origin, headers, request, response);
  });

  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (offered) =>
      [...offered].find((protocol) => protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) ?? false,
  });
  server.on('upgrade', (request, socket, head) => {
    const refusal = checkUpgrade(request, origin, token);
    if (refusal) {
      refuse(socket, refusal);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => serveClient(client, route, options.hub));
  });

  return {
    url: `${origin}/#token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: http.Server, port: number): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return Promise.reject(
      new Error(
        `port: ${String(port)} is not a TCP port; use a whole number from 1 to 65535 (or leave it out for a free one).`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port: ${port} is already in use on ${LOOPBACK}; choose another with --port or leave it out for a free one.`,
            )
          : error,
      );
    });
    server.listen(port, LOOPBACK, () => resolve());
  });
}

function securityHeaders(webSocketOrigin: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy({ connectSources: [webSocketOrigin] }),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

async function serveFile(
  rendererDir: string,
  origin: string,
  headers: Record<string, string>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  try {
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) must not read the wizard.
    if (request.headers.host !== new URL(origin).host)
      return plain(response, 403, 'Forbidden: use the address Breakglass printed.');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return plain(response, 405, 'Method not allowed');
    const file = await readStaticFile(rendererDir, new URL(request.url ?? '/', origin).pathname);
    if (!file) return plain(response, 404, 'Not found');
    response.writeHead(200, {
      ...headers,
      'Content-Type': file.contentType,
      'Content-Length': file.body.length,
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  } catch {
    plain(response, 500, 'Internal error');
  }
}

function plain(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(text);
}

interface Refusal {
  status: 401 | 403 | 404;
  reason: string;
}

function checkUpgrade(request: http.IncomingMessage, origin: string, token: string): Refusal | undefined {
  if (new URL(request.url ?? '/', origin).pathname !== WEB_SOCKET_PATH)
    return { status: 404, reason: 'Not Found' };
  if (request.headers.host !== new URL(origin).host) return { status: 403, reason: 'Forbidden' };
  if (request.headers.origin !== origin) return { status: 403, reason: 'Forbidden' };
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
  const presented = offered
    .find((value) => value.startsWith(TOKEN_SUBPROTOCOL_PREFIX))
    ?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  if (presented === undefined || !sameSecret(presented, token))
    return { status: 401, reason: 'Unauthorized' };
  return undefined;
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, refusal: Refusal): void {
  socket.end(
    `HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
  socket.destroy();
}

function serveClient(client: WebSocket, route: Route, hub: EventHub): void {
  const unsubscribe = hub.subscribe((event, payload) => {
    const message: EventMessage = { event, payload };
    if (client.readyState === client.OPEN) client.send(JSON.stringify(message));
  });
  client.on('close', unsubscribe);
  client.on('error', () => client.terminate());
  client.on('message', (data, isBinary) => {
    void answer(client, route, isBinary ? undefined : data.toString());
  });
}

async function answer(client: WebSocket, route: Route, text: string | undefined): Promise<void> {
  const envelope = parseEnvelope(text);
  const reply: ResultMessage = envelope.ok
    ? { id: envelope.id, result: await route(envelope.channel, envelope.request) }
    : { id: envelope.id, result: failure('bad-request', envelope.message) };
  if (client.readyState === client.OPEN) client.send(JSON.stringify(reply));
}

type Envelope =
  { ok: true; id: number; channel: unknown; request: unknown } | { ok: false; id: number; message: string };

function parseEnvelope(text: string | undefined): Envelope {
  if (text === undefined) return { ok: false, id: 0, message: 'Messages must be JSON text, not binary.' };
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return {
      ok: false,
      id: 0,
      message: 'Message is not valid JSON; send {"id": <number>, "channel": <name>, "request": {...}}.',
    };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, id: 0, message: 'Message must be an object {"id", "channel", "request"}.' };
  }
  const { id, channel, request } = message as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id))
    return { ok: false, id: 0, message: 'id: must be a whole number chosen by the client.' };
  return { ok: true, id, channel, request };
}
