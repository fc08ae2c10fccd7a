import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type LocalHandler = (request: RecordedRequest, response: http.ServerResponse) => void;

export interface LocalServer {
  /** e.g. "https://127.0.0.1:41234" */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted (a refused TLS handshake still counts one, with no request). */
  connections: number;
  close(): Promise<void>;
}

/**
 * A real HTTP or HTTPS server on 127.0.0.1 with the port awaited before it is returned, recording
 * every request it receives (method, URL, headers, body).
 */
export async function startLocalServer(
  handler: LocalHandler,
  tls?: { key: string; cert: string },
): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  };
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, listener)
    : http.createServer(listener);
  const state = { connections: 0 };
  server.on('connection', () => (state.connections += 1));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON with the status. */
export function json(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
