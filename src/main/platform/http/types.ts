/**
 * HTTP requests to a product's API. Tokens travel only in headers (a secret in a URL is refused),
 * TLS is verified against the system trust store, a CA file or a pinned leaf certificate, and no
 * proxy is ever taken from the environment.
 */

/** How the server's certificate is trusted. */
export type HttpTls =
  /** The system trust store (default). */
  | { mode: 'system' }
  /** The system trust store plus the CA certificates (PEM) in this file. */
  | { mode: 'ca-file'; caFile: string }
  /** Only the leaf certificate whose SHA-256 fingerprint (hex, colons optional) is this; chain and name are not checked. */
  | { mode: 'pinned'; sha256: string }
  /** No verification at all: allowed only with `journal`, which records the choice for every request. */
  | { mode: 'insecure' };

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Readonly<Record<string, string>>;
  /** Sent as JSON (`content-type: application/json`) unless it is a string. */
  body?: unknown;
  /** Values that must not appear in the URL (refused) and are masked in errors and summaries. */
  secrets?: readonly string[];
  tls?: HttpTls;
  /** Whole request, connect to last byte. Default 30 s. */
  timeoutMs?: number;
  /** The run's signal: aborting it aborts the request. */
  signal?: AbortSignal;
  /** Larger responses are cut off with HttpResponseTooLarge. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Where a TLS-off request is recorded (a step's log, which the journal keeps). Required for `insecure`. */
  journal?: (line: string) => void;
}

export interface HttpResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The body as UTF-8 text. */
  body: string;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** The response body parsed as JSON, or undefined when it is not JSON. */
export function jsonBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}
