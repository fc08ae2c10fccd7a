import { HttpError } from '../../platform/http/errors.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from '../../platform/http/types.js';
import { assertNoSecretInUrl } from '../../platform/http/url-guard.js';
import type { SandboxSeedContext, SimulatedHttpService } from '../types.js';

/**
 * The sandbox's HTTP client: answers from a system's simulated services (by the URL's host, e.g.
 * "synapse.sandbox.test:8008") and refuses every other host, so a practice run never reaches the
 * network. The URL guard and the TLS-off rule apply as for real. Every request is recorded (method,
 * URL, header names) for the leak tests.
 */
export class SandboxHttp implements HttpClient {
  readonly requests: Array<{ method: string; url: string; headerNames: string[] }> = [];

  constructor(
    private readonly services: Readonly<Record<string, SimulatedHttpService>>,
    private readonly context: () => Promise<SandboxSeedContext>,
  ) {}

  async request(request: HttpRequest): Promise<HttpResponse> {
    const url = assertNoSecretInUrl(request.url, request.secrets);
    this.requests.push({
      method: request.method,
      url: url.href,
      headerNames: Object.keys(request.headers ?? {}),
    });
    if (request.tls?.mode === 'insecure') {
      if (!request.journal)
        throw new HttpError(
          `Refusing to reach ${url.host} without verifying its certificate.`,
          'insecure-refused',
        );
      request.journal(
        `TLS certificate verification is OFF for ${url.host} (explicit choice): ${request.method} ${url.pathname}`,
      );
    }
    if (request.signal?.aborted)
      throw new HttpError(`The request to ${url.host} was aborted (the run was stopped).`, 'aborted');
    const service = this.services[url.host];
    if (!service) {
      const known = Object.keys(this.services);
      throw new HttpError(
        `The practice sandbox does not reach the network: ${url.host} is not simulated here` +
          (known.length > 0 ? ` (simulated: ${known.join(', ')}).` : '.'),
        'unreachable',
      );
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    const answer = await service(
      {
        method: request.method,
        url,
        headers,
        body:
          request.body === undefined
            ? ''
            : typeof request.body === 'string'
              ? request.body
              : JSON.stringify(request.body),
      },
      await this.context(),
    );
    const body =
      answer.body === undefined
        ? ''
        : typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body);
    const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (Buffer.byteLength(body) > limit)
      throw new HttpError(
        `The answer from ${url.host} is larger than ${limit} bytes; it was cut off.`,
        'too-large',
      );
    return {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
      body,
    };
  }
}
