import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { Redactor } from '../../../shared/redact.js';
import { HttpError } from './errors.js';
import { checkPeer, normalizeFingerprint, secureContextFor } from './trust.js';
import {
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type HttpTls,
} from './types.js';
import { assertNoSecretInUrl } from './url-guard.js';

/**
 * The real HTTP client, on node:http over a socket it opens itself (node:net / node:tls).
 * Opening the socket first lets the certificate be checked — chain, name or pin — after the
 * handshake and before a single byte of the request (its Authorization header) is written, which
 * built-in fetch cannot do without an undici dispatcher (a package). Connecting directly also means
 * no proxy is ever taken from HTTP(S)_PROXY.
 */
export class NodeHttpClient implements HttpClient {
  async request(request: HttpRequest): Promise<HttpResponse> {
    const redactor = new Redactor(request.secrets ?? []);
    const url = assertNoSecretInUrl(request.url, request.secrets);
    const mode: HttpTls = request.tls ?? { mode: 'system' };
    if (url.protocol === 'https:') prepareTls(mode, url, request);

    const timeoutMs = request.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    const stop = new AbortController();
    const timer = setTimeout(
      () => stop.abort(new HttpError(`${url.host} did not answer within ${timeoutMs} ms.`, 'timeout')),
      timeoutMs,
    );
    const onRunAbort = () =>
      stop.abort(new HttpError(`The request to ${url.host} was aborted (the run was stopped).`, 'aborted'));
    if (request.signal?.aborted) onRunAbort();
    request.signal?.addEventListener('abort', onRunAbort, { once: true });
    try {
      const socket = await connect(url, mode, stop.signal);
      return await exchange(socket, url, request, stop.signal);
    } catch (error) {
      if (error instanceof HttpError) throw new HttpError(redactor.redact(error.message), error.kind);
      throw error;
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onRunAbort);
    }
  }
}

function prepareTls(mode: HttpTls, url: URL, request: HttpRequest): void {
  if (mode.mode === 'pinned') normalizeFingerprint(mode.sha256);
  if (mode.mode === 'insecure') {
    if (!request.journal)
      throw new HttpError(
        `Refusing to reach ${url.host} without verifying its certificate: that must be an explicit choice recorded in the journal.`,
        'insecure-refused',
      );
    request.journal(
      `TLS certificate verification is OFF for ${url.host} (explicit choice): ${request.method} ${url.pathname}`,
    );
  }
}

/** Opens the connection and, for https, checks the peer before anything is sent. */
function connect(url: URL, mode: HttpTls, signal: AbortSignal): Promise<net.Socket> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const secure = url.protocol === 'https:';
    const socket: net.Socket = secure
      ? tls.connect({
          host,
          port,
          servername: net.isIP(host) ? undefined : host,
          secureContext: secureContextFor(mode),
          // Verification is decided in checkPeer, after the handshake and before the request is written.
          rejectUnauthorized: false,
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect({ host, port });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(connectError(url, error));
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      signal.removeEventListener('abort', onAbort);
      try {
        if (secure) checkPeer(socket as tls.TLSSocket, mode, url.host);
        resolve(socket);
      } catch (error) {
        socket.destroy();
        reject(error as Error);
      }
    });
  });
}

function exchange(
  socket: net.Socket,
  url: URL,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const body =
    request.body === undefined
      ? undefined
      : Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body), 'utf8');
  const headers: Record<string, string> = { host: url.host, accept: 'application/json', ...request.headers };
  if (body) {
    headers['content-length'] = String(body.length);
    if (typeof request.body !== 'string' && !hasHeader(headers, 'content-type'))
      headers['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(signal.reason as Error);
    const req = http.request({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
      setHost: false,
      createConnection: () => socket,
    });
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => fail(connectError(url, error)));
    req.on('response', (response) => {
      const declared = Number(response.headers['content-length'] ?? 0);
      if (declared > limit) return fail(tooLarge(url, limit));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) return fail(tooLarge(url, limit));
        chunks.push(chunk);
      });
      response.on('error', (error: NodeJS.ErrnoException) => fail(connectError(url, error)));
      response.on('end', () => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve({
          status: response.statusCode ?? 0,
          headers: flattenHeaders(response.headers),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(body);
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function tooLarge(url: URL, limit: number): HttpError {
  return new HttpError(
    `The answer from ${url.host} is larger than ${limit} bytes; it was cut off.`,
    'too-large',
  );
}

function connectError(url: URL, error: NodeJS.ErrnoException): HttpError {
  const code = error.code ?? error.name;
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /ssl|tls/i.test(error.message))
    return new HttpError(`The TLS handshake with ${url.host} failed (${code}).`, 'tls');
  return new HttpError(`${url.host} cannot be reached (${code}).`, 'unreachable');
}
