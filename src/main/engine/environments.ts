import type { EnvironmentKind } from '../../shared/procedure.js';
import { NodeExec } from '../platform/exec/node-exec.js';
import { NodeHttpClient } from '../platform/http/node-http-client.js';
import { SystemdServiceController } from '../platform/services/systemd.js';
import { WindowsServiceController } from '../platform/services/windows.js';
import { lazyDbConnector } from './lazy-db-connector.js';
import type { Sandbox } from './sandbox/sandbox.js';
import type { Environment, SystemModule } from './types.js';

/** The adapters a procedure of `system` runs against: this machine for real, or the practice sandbox. */
export function createEnvironment(
  kind: EnvironmentKind,
  system: SystemModule,
  sandbox: Sandbox,
): Environment {
  if (kind === 'sandbox') return sandbox.environment(system);
  const exec = new NodeExec();
  return {
    kind: 'real',
    exec,
    db: lazyDbConnector(),
    http: new NodeHttpClient(),
    services:
      process.platform === 'win32' ? new WindowsServiceController(exec) : new SystemdServiceController(exec),
  };
}
