import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../../src/main/engine/engine.js';
import type { SandboxSeedContext } from '../../src/main/engine/types.js';
import { sysreptorSandboxApi } from '../../src/main/systems/sysreptor/sandbox-api.js';
import { startLocalServer, type LocalServer, type RecordedRequest } from './local-http.js';
import { sandboxDeployDir } from './sysreptor-sandbox.js';

/** The API token the sandbox wrote for one of its practice users (admin, manager, expired). */
export function practiceToken(engine: Engine, which: 'admin' | 'manager' | 'expired'): string {
  return fs
    .readFileSync(path.join(engine.sandbox.filesRoot('sysreptor'), `${which}-api-token.txt`), 'utf8')
    .trim();
}

/**
 * A real HTTP server on 127.0.0.1 answering as SysReptor does (the sandbox's simulation over the
 * engine's sandbox rows), so the API path runs through the real HTTP client; `override` answers
 * a request itself (e.g. a recorded error) when it returns something.
 */
export async function startSysReptorServer(
  engine: Engine,
  override?: (request: RecordedRequest) => { status: number; body: unknown } | undefined,
): Promise<LocalServer> {
  const system = engine.registry.system('sysreptor');
  const context = {
    databaseUrl: await engine.sandbox.databaseUrl(system),
    root: engine.sandbox.filesRoot('sysreptor'),
  } as SandboxSeedContext;
  const server: LocalServer = await startLocalServer((request, response) => {
    const answer = override?.(request);
    const reply = (status: number, body: unknown) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      response.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
      });
      response.end(text);
    };
    if (answer) return reply(answer.status, answer.body);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string') headers[name] = value;
    sysreptorSandboxApi(
      { method: request.method, url: new URL(request.url, server.origin), headers, body: request.body },
      context,
    ).then(
      (result) => reply(result.status, result.body ?? ''),
      (error: Error) => reply(500, error.message),
    );
  });
  return server;
}

/** A copy of the sandbox's deploy folder whose .env publishes the app on this port. */
export async function deployDirFor(engine: Engine, port: number): Promise<string> {
  await engine.sandbox.databaseUrl(engine.registry.system('sysreptor'));
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-sr-api-deploy-'));
  fs.cpSync(sandboxDeployDir(engine), copy, { recursive: true });
  fs.appendFileSync(path.join(copy, '.env'), `BIND_PORT="127.0.0.1:${port}:8000"\n`);
  return copy;
}
