/** `breakglass serve [--port N]`: the wizard for a browser on this machine (or over an SSH tunnel). */
import { createApi } from '../../api/create-api.js';
import { EventHub } from '../../api/event-hub.js';
import { builtRendererDir } from '../../host/renderer-dir.js';
import { startWebHost } from '../../host/web-host.js';
import { ExitCode, type CliIo } from '../io.js';

export async function serve(options: {
  port?: number;
  dataDir: string;
  io: CliIo;
  until?: Promise<void>;
}): Promise<number> {
  const { io } = options;
  let rendererDir: string;
  try {
    rendererDir = builtRendererDir();
  } catch (error) {
    io.stderr.write(`breakglass serve: ${(error as Error).message}\n`);
    return ExitCode.badInput;
  }
  const hub = new EventHub();
  const api = await createApi({ dataDir: options.dataDir, transport: 'web', emit: hub.emit });
  try {
    const host = await startWebHost({ handlers: api.handlers, hub, rendererDir, port: options.port }).catch(
      (error: Error) => error,
    );
    if (host instanceof Error) {
      io.stderr.write(`breakglass serve: ${host.message}\n`);
      return ExitCode.badInput;
    }
    io.stdout.write(`Breakglass wizard: ${host.url}\n`);
    io.stdout.write(
      'Open it in a browser on this machine (or through an SSH tunnel to this port). Press Ctrl+C to stop.\n',
    );
    await (options.until ?? untilSignal());
    await host.close();
    return ExitCode.ok;
  } finally {
    await api.close();
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
