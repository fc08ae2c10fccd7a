import type { SandboxSeedContext } from '../../src/main/engine/types.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxHttp } from '../../src/main/engine/sandbox/sandbox-http.js';
import { loggableBody, loggableHeaders } from '../../src/main/platform/http/exchange-log.js';
import { HttpError, SecretInUrlError } from '../../src/main/platform/http/errors.js';
import { NodeHttpClient } from '../../src/main/platform/http/node-http-client.js';
import { httpTlsInput, tlsFromInput } from '../../src/main/platform/http/tls-input.js';
import type { HttpRequest } from '../../src/main/platform/http/types.js';
import { MASK, Redactor } from '../../src/shared/redact.js';
import { json, startLocalServer, type LocalServer } from '../support/local-http.js';
import { makeTestCerts, type TestCerts } from '../support/tls-certs.js';

const TOKEN = 'syt_YWRtaW4_secretTokenValue_0xyz';
const client = new NodeHttpClient();

let certs: TestCerts;
let caSigned: LocalServer;
let selfSigned: LocalServer;
let plain: LocalServer;
let silent: LocalServer;
let big: LocalServer;

const echo = (req: { method: string; url: string; body: string }, res: Parameters<typeof json>[0]) =>
  json(res, 200, { method: req.method, url: req.url, body: req.body });

beforeAll(async () => {
  certs = makeTestCerts();
  caSigned = await startLocalServer(echo, { key: certs.signedKey, cert: certs.signedCert });
  selfSigned = await startLocalServer(echo, { key: certs.selfKey, cert: certs.selfCert });
  plain = await startLocalServer(echo);
  silent = await startLocalServer(() => undefined); // accepts, never answers
  big = await startLocalServer((req, res) => {
    const text = 'x'.repeat(5000);
    if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' }); // no content-length: chunked
      for (let i = 0; i < 5; i += 1) res.write(text.slice(0, 1000));
      res.end();
    } else json(res, 200, { text });
  });
});

afterAll(async () => {
  await Promise.all([caSigned, selfSigned, plain, silent, big].map((server) => server?.close()));
  certs?.remove();
});

async function failure(request: HttpRequest): Promise<HttpError> {
  try {
    await client.request(request);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('the request did not fail');
}

describe('NodeHttpClient: TLS', () => {
  it('refuses a certificate the system trust store does not know, before the request is sent', async () => {
    const before = caSigned.requests.length;
    const error = await failure({
      method: 'POST',
      url: `${caSigned.origin}/_synapse/admin/v1/reset_password/x`,
      headers: { authorization: `Bearer ${TOKEN}` },
      body: { new_password: 'pw' },
      secrets: [TOKEN],
    });
    expect(error.kind).toBe('tls');
    expect(error.message).toMatch(/not trusted/);
    expect(error.message).toContain('CA file');
    expect(caSigned.requests.length).toBe(before);
  });

  it('trusts a server signed by the CA in a CA file', async () => {
    const response = await client.request({
      method: 'GET',
      url: `${caSigned.origin}/hello?x=1`,
      tls: { mode: 'ca-file', caFile: certs.caFile },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ method: 'GET', url: '/hello?x=1', body: '' });
  });

  it('refuses a certificate from the trusted CA that names another host', async () => {
    const other = await startLocalServer(echo, { key: certs.otherNameKey, cert: certs.otherNameCert });
    try {
      const error = await failure({
        method: 'GET',
        url: `${other.origin}/`,
        headers: { authorization: `Bearer ${TOKEN}` },
        secrets: [TOKEN],
        tls: { mode: 'ca-file', caFile: certs.caFile },
      });
      expect(error.kind).toBe('tls');
      expect(error.message).toMatch(/not trusted \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('says clearly when the CA file cannot be read or holds no certificate', async () => {
    const missing = await failure({
      method: 'GET',
      url: `${caSigned.origin}/`,
      tls: { mode: 'ca-file', caFile: path.join(certs.dir, 'nope.pem') },
    });
    expect(missing.message).toMatch(/CA file .*nope\.pem cannot be read \(ENOENT\)/);
    const notPem = path.join(certs.dir, 'not-a-cert.pem');
    fs.writeFileSync(notPem, 'hello');
    expect(
      (await failure({ method: 'GET', url: `${caSigned.origin}/`, tls: { mode: 'ca-file', caFile: notPem } }))
        .message,
    ).toMatch(/holds no PEM certificate/);
  });

  it('accepts a self-signed server whose leaf matches the pinned SHA-256, with or without colons', async () => {
    for (const sha256 of [certs.selfFingerprint, certs.selfFingerprint.replace(/:/g, '').toLowerCase()]) {
      const response = await client.request({
        method: 'GET',
        url: `${selfSigned.origin}/pinned`,
        tls: { mode: 'pinned', sha256 },
      });
      expect(response.status).toBe(200);
    }
  });

  it('refuses a pin mismatch before sending anything, naming the fingerprint it saw', async () => {
    const before = caSigned.requests.length;
    const error = await failure({
      method: 'POST',
      url: `${caSigned.origin}/x`,
      headers: { authorization: `Bearer ${TOKEN}` },
      secrets: [TOKEN],
      tls: { mode: 'pinned', sha256: certs.selfFingerprint },
    });
    expect(error.kind).toBe('tls');
    expect(error.message).toMatch(/does not match the pinned fingerprint \(it has SHA-256 [0-9a-f]{64}\)/);
    expect(caSigned.requests.length).toBe(before);
    expect(
      (await failure({ method: 'GET', url: `${selfSigned.origin}/`, tls: { mode: 'pinned', sha256: 'abc' } }))
        .message,
    ).toMatch(/64 hex digits/);
  });

  it('turns verification off only with a journal that records the choice', async () => {
    const refused = await failure({ method: 'GET', url: `${selfSigned.origin}/`, tls: { mode: 'insecure' } });
    expect(refused.kind).toBe('insecure-refused');
    const journal: string[] = [];
    const response = await client.request({
      method: 'GET',
      url: `${selfSigned.origin}/insecure`,
      tls: { mode: 'insecure' },
      journal: (line) => journal.push(line),
    });
    expect(response.status).toBe(200);
    expect(journal).toEqual([
      `TLS certificate verification is OFF for 127.0.0.1:${selfSigned.port} (explicit choice): GET /insecure`,
    ]);
  });

  it('TLS inputs: one of caFile, pinSha256, insecure; the fingerprint checked', () => {
    expect(tlsFromInput(httpTlsInput.parse({}))).toEqual({ mode: 'system' });
    expect(tlsFromInput(httpTlsInput.parse({ caFile: '/ca.pem' }))).toEqual({
      mode: 'ca-file',
      caFile: '/ca.pem',
    });
    expect(httpTlsInput.safeParse({ pinSha256: 'zz' }).success).toBe(false);
    expect(httpTlsInput.safeParse({ caFile: '/ca.pem', insecure: true }).success).toBe(false);
  });
});

describe('NodeHttpClient: limits, abort and proxies', () => {
  it('sends the exact method, path, headers and JSON body over plain HTTP', async () => {
    const response = await client.request({
      method: 'PUT',
      url: `${plain.origin}/_synapse/admin/v2/users/%40alice%3Aexample.org`,
      headers: { authorization: `Bearer ${TOKEN}` },
      body: { password: 'pw', deactivated: false },
      secrets: [TOKEN],
    });
    expect(response.status).toBe(200);
    const received = plain.requests.at(-1)!;
    expect(received).toMatchObject({
      method: 'PUT',
      url: '/_synapse/admin/v2/users/%40alice%3Aexample.org',
      body: '{"password":"pw","deactivated":false}',
    });
    expect(received.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers.host).toBe(`127.0.0.1:${plain.port}`);
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    const error = await failure({ method: 'GET', url: `${silent.origin}/`, timeoutMs: 300 });
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`127.0.0.1:${silent.port} did not answer within 300 ms.`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("stops when the run's signal is aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure({
      method: 'GET',
      url: `${silent.origin}/`,
      signal: controller.signal,
      timeoutMs: 10_000,
    });
    expect(error.kind).toBe('aborted');
    const already = await failure({ method: 'GET', url: `${plain.origin}/`, signal: AbortSignal.abort() });
    expect(already.kind).toBe('aborted');
  });

  it('cuts off a response over the size cap, declared or chunked', async () => {
    for (const url of [`${big.origin}/declared`, `${big.origin}/chunked`]) {
      const error = await failure({ method: 'GET', url, maxResponseBytes: 1000 });
      expect(error.kind).toBe('too-large');
      expect(error.message).toMatch(/larger than 1000 bytes/);
    }
    const whole = await client.request({
      method: 'GET',
      url: `${big.origin}/chunked`,
      maxResponseBytes: 5000,
    });
    expect(whole.body.length).toBe(5000);
  });

  it('connects directly even when HTTP(S)_PROXY is set', async () => {
    const proxy = await startLocalServer((_req, res) => json(res, 502, {}));
    const saved = { http: process.env.HTTP_PROXY, https: process.env.HTTPS_PROXY };
    process.env.HTTP_PROXY = proxy.origin;
    process.env.HTTPS_PROXY = proxy.origin;
    try {
      expect((await client.request({ method: 'GET', url: `${plain.origin}/direct` })).status).toBe(200);
      expect(
        (
          await client.request({
            method: 'GET',
            url: `${caSigned.origin}/direct`,
            tls: { mode: 'ca-file', caFile: certs.caFile },
          })
        ).status,
      ).toBe(200);
      expect(proxy.connections).toBe(0);
    } finally {
      process.env.HTTP_PROXY = saved.http;
      process.env.HTTPS_PROXY = saved.https;
      if (saved.http === undefined) delete process.env.HTTP_PROXY;
      if (saved.https === undefined) delete process.env.HTTPS_PROXY;
      await proxy.close();
    }
  });

  it('says a refused connection is unreachable', async () => {
    const closed = await startLocalServer(echo);
    await closed.close();
    const error = await failure({ method: 'GET', url: `${closed.origin}/` });
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`127.0.0.1:${closed.port} cannot be reached (ECONNREFUSED).`);
  });
});

describe('secrets stay out of URLs and logs', () => {
  it.each([
    ['the path', `/_synapse/admin/v1/reset_password/${TOKEN}`],
    ['the query', `/x?access=${TOKEN}`],
    ['the query, percent-encoded', `/x?t=${encodeURIComponent(`${TOKEN}/+`)}`],
    ['an access_token parameter', '/x?access_token=anything'],
  ])('refuses a secret in %s and sends nothing', async (_where, pathAndQuery) => {
    const before = plain.requests.length;
    const secret = pathAndQuery.includes('%2F') ? `${TOKEN}/+` : TOKEN;
    const error = await failure({ method: 'GET', url: `${plain.origin}${pathAndQuery}`, secrets: [secret] });
    expect(error).toBeInstanceOf(SecretInUrlError);
    expect(error.message).not.toContain(TOKEN);
    expect(plain.requests.length).toBe(before);
  });

  it('refuses credentials before the host', async () => {
    const error = await failure({ method: 'GET', url: `http://admin:pw@127.0.0.1:${plain.port}/` });
    expect(error).toBeInstanceOf(SecretInUrlError);
    expect(error.message).not.toContain('pw@');
  });

  it('loggable headers and bodies carry no token or password', () => {
    const redactor = new Redactor([TOKEN, 'n3w-Passw0rd']);
    const headers = loggableHeaders(
      { Authorization: 'Bearer other-token-xyz', 'x-note': `t=${TOKEN}` },
      redactor,
    );
    expect(headers).toEqual({ Authorization: MASK, 'x-note': `t=${MASK}` });
    const body = loggableBody({ new_password: 'n3w-Passw0rd', logout_devices: true }, redactor);
    expect(body).toBe(`{"new_password":"${MASK}","logout_devices":true}`);
  });
});

describe('SandboxHttp', () => {
  // The simulated services here read nothing of the seed context: only its shape matters.
  const context = async () =>
    ({
      databaseUrl: 'postgres://x',
      root: '/tmp',
      defineService: () => undefined,
    }) as unknown as SandboxSeedContext;
  const sandbox = new SandboxHttp(
    {
      'api.sandbox.test': async (request) => ({
        status: 200,
        body: { path: request.url.pathname, auth: request.headers.authorization },
      }),
    },
    context,
  );

  it('answers from the simulated services and reaches nothing else', async () => {
    const response = await sandbox.request({
      method: 'GET',
      url: 'https://api.sandbox.test/ping',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(JSON.parse(response.body)).toEqual({ path: '/ping', auth: `Bearer ${TOKEN}` });
    await expect(sandbox.request({ method: 'GET', url: `${plain.origin}/` })).rejects.toThrow(
      /does not reach the network: 127\.0\.0\.1:\d+ is not simulated here \(simulated: api\.sandbox\.test\)/,
    );
  });

  it('applies the URL guard and the TLS-off rule as for real', async () => {
    await expect(
      sandbox.request({ method: 'GET', url: `https://api.sandbox.test/?k=${TOKEN}`, secrets: [TOKEN] }),
    ).rejects.toBeInstanceOf(SecretInUrlError);
    await expect(
      sandbox.request({ method: 'GET', url: 'https://api.sandbox.test/', tls: { mode: 'insecure' } }),
    ).rejects.toThrow(/without verifying/);
    expect(sandbox.requests.every((request) => !request.url.includes(TOKEN))).toBe(true);
  });
});
