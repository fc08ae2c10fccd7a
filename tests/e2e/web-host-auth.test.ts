import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventHub } from '../../src/main/api/event-hub.js';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.js';
import { builtRendererDir } from '../../src/main/host/renderer-dir.js';
import { TOKEN_SUBPROTOCOL_PREFIX, WEB_SOCKET_PATH } from '../../src/shared/transport-wire.js';
import { createFixtureHandlers } from '../unit/ipc-handlers-fixture.js';
import { ensureBuilt } from '../unit/shell-build.js';

let host: WebHost;
let origin: string;
const hub = new EventHub();

beforeAll(async () => {
  ensureBuilt();
  host = await startWebHost({
    handlers: createFixtureHandlers(hub.emit).handlers,
    hub,
    rendererDir: builtRendererDir(),
  });
  origin = `http://127.0.0.1:${host.port}`;
}, 120_000);
afterAll(() => host?.close());

/** Opens a WebSocket and reports either the open socket or the HTTP status the upgrade got. */
function connect(options: {
  token?: string;
  origin?: string;
  path?: string;
  host?: string;
}): Promise<{ socket?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const protocols = options.token === undefined ? [] : [`${TOKEN_SUBPROTOCOL_PREFIX}${options.token}`];
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}${options.path ?? WEB_SOCKET_PATH}`, protocols, {
      origin: options.origin ?? origin,
      headers: options.host ? { host: options.host } : {},
    });
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_request, response) => resolve({ status: response.statusCode }));
    socket.once('error', () => resolve({}));
  });
}

function call(socket: WebSocket, message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    socket.once('message', (data) => resolve(JSON.parse(data.toString())));
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('web host access', () => {
  it('prints a loopback URL whose token lives in the fragment, 32 random bytes in base64url', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(32);
  });

  it('listens on 127.0.0.1 only', async () => {
    const interfaces = Object.values((await import('node:os')).networkInterfaces()).flat();
    const external = interfaces.find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
    if (!external) return;
    const reached = await new Promise<boolean>((resolve) => {
      const socket = net.connect(host.port, external.address, () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it('accepts the right token from its own origin and answers over the contract', async () => {
    const { socket } = await connect({ token: host.token });
    expect(socket?.protocol).toBe(`${TOKEN_SUBPROTOCOL_PREFIX}${host.token}`);
    const reply = await call(socket!, { id: 7, channel: 'app.info', request: {} });
    expect(reply).toMatchObject({ id: 7, result: { ok: true, value: { name: 'breakglass' } } });
    socket!.close();
  });

  it('refuses a wrong token, no token, a foreign Origin, a foreign Host and another path', async () => {
    expect(await connect({ token: 'A'.repeat(43) })).toEqual({ status: 401 });
    expect(await connect({ token: host.token.slice(1) })).toEqual({ status: 401 });
    expect(await connect({})).toEqual({ status: 401 });
    expect(await connect({ token: host.token, origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await connect({ token: host.token, origin: `http://localhost:${host.port}` })).toEqual({
      status: 403,
    });
    expect(await connect({ token: host.token, host: `rebind.example:${host.port}` })).toEqual({
      status: 403,
    });
    expect(await connect({ token: host.token, path: '/other' })).toEqual({ status: 404 });
  });

  it('answers malformed messages with bad-request and keeps the connection', async () => {
    const { socket } = await connect({ token: host.token });
    expect(await call(socket!, 'not json')).toMatchObject({
      id: 0,
      result: { ok: false, code: 'bad-request' },
    });
    expect(await call(socket!, [1, 2])).toMatchObject({ result: { ok: false, code: 'bad-request' } });
    expect(await call(socket!, { id: 'x', channel: 'app.info' })).toMatchObject({
      result: { ok: false, code: 'bad-request' },
    });
    expect(await call(socket!, { id: 2, channel: 'nope', request: {} })).toMatchObject({
      id: 2,
      result: { ok: false, code: 'unknown-channel' },
    });
    expect(
      await call(socket!, { id: 3, channel: 'password.generate', request: { length: 2 } }),
    ).toMatchObject({ id: 3, result: { ok: false, code: 'invalid-input' } });
    expect(await call(socket!, { id: 4, channel: 'procedures.list', request: {} })).toMatchObject({
      id: 4,
      result: { ok: true },
    });
    socket!.close();
  });

  it('pushes hub events to every connected client', async () => {
    const [a, b] = await Promise.all([connect({ token: host.token }), connect({ token: host.token })]);
    const received = [a.socket!, b.socket!].map(
      (socket) =>
        new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString())))),
    );
    const payload = { type: 'state', runId: 'r9', run: {} } as never;
    hub.emit('run.event', payload);
    expect(await Promise.all(received)).toEqual([
      { event: 'run.event', payload },
      { event: 'run.event', payload },
    ]);
    a.socket!.close();
    b.socket!.close();
  });
});

describe('web host files', () => {
  function get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      // A raw request line, so dot segments reach the server unnormalised.
      const socket = net.connect(host.port, '127.0.0.1', () => {
        const lines = [
          `GET ${path} HTTP/1.1`,
          `Host: ${headers.host ?? `127.0.0.1:${host.port}`}`,
          'Connection: close',
          '',
          '',
        ];
        socket.write(lines.join('\r\n'));
      });
      let raw = '';
      socket.on('data', (chunk) => (raw += chunk.toString()));
      socket.on('end', () => {
        const [head = '', ...rest] = raw.split('\r\n\r\n');
        const [statusLine = '', ...headerLines] = head.split('\r\n');
        const parsed: http.IncomingHttpHeaders = {};
        for (const line of headerLines)
          parsed[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
        resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed, body: rest.join('\r\n\r\n') });
      });
      socket.on('error', reject);
    });
  }

  it('serves the wizard with a strict CSP and no-sniff, and never the token', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${host.port}`,
    );
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<div id="root">');
    expect(page.body).not.toContain(host.token);
  });

  it("refuses traversal, other methods' paths and a foreign Host header", async () => {
    expect((await get('/../package.json')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await get('/assets/../../../etc/passwd')).status).toBe(404);
    expect((await get('/', { host: `evil.example:${host.port}` })).status).toBe(403);
  });
});
