import type { Engine } from '../../src/main/engine/engine.js';
import type { SandboxSeedContext } from '../../src/main/engine/types.js';
import { authgearSandboxAdminApi } from '../../src/main/systems/authgear/sandbox-admin-api.js';
import { startLocalServer, type LocalServer, type RecordedRequest } from './local-http.js';

/**
 * A real HTTP server on 127.0.0.1 answering as Authgear's Admin API does (the sandbox's simulation
 * over the engine's sandbox rows and config folder); `override` answers a request itself when it
 * returns something (e.g. a recorded error of another server version).
 */
export async function startAdminApiServer(
  engine: Engine,
  override?: (request: RecordedRequest) => { status: number; body: unknown } | undefined,
): Promise<LocalServer> {
  const system = engine.registry.system('authgear');
  const context = {
    databaseUrl: await engine.sandbox.databaseUrl(system),
    root: engine.sandbox.filesRoot('authgear'),
  } as SandboxSeedContext;
  const server: LocalServer = await startLocalServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const answer = override?.(request);
    if (answer) return reply(answer.status, answer.body);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string') headers[name] = value;
    authgearSandboxAdminApi(
      { method: request.method, url: new URL(request.url, server.origin), headers, body: request.body },
      context,
    ).then(
      (result) => reply(result.status, result.body ?? ''),
      (error: Error) => reply(500, error.message),
    );
  });
  return server;
}
