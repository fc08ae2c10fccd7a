/**
 * The practice sandbox's front-end: a second Platform Server install under
 * `<root>/front-ends/<server name>/Platform Server/`, as a real farm has it: the controller's
 * private.key, a server.hsconf with the database settings of before any rotation, and its own
 * `OutgoingIPAddress`. The simulated machine's network addresses sit beside the install in
 * `machine.json` (a real front-end's come from its network interfaces).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { HsConf } from './hsconf.js';

export const SANDBOX_FRONT_ENDS_DIR = 'front-ends';
export const SANDBOX_FRONT_END = { name: 'SANDBOX-FE01', ipAddress: '10.0.0.21' } as const;
export const SANDBOX_MACHINE_FILE = 'machine.json';
const INSTALL_DIR_NAME = 'Platform Server';

const SimulatedMachine = z
  .object({
    addresses: z.array(z.string().min(1)),
    /** Reached through the simulated PowerShell remoting, this machine fails the second hop. */
    remoting: z
      .object({ secondHop: z.enum(['works', 'fails']) })
      .strict()
      .optional(),
  })
  .strict();

export interface SandboxFrontEnd {
  name: string;
  installDir: string;
  addresses: string[];
  secondHopFails: boolean;
}

/** The sandbox's simulated front-ends, by server name, as `<root>/front-ends/<name>/machine.json` describes them. */
export function sandboxFrontEnds(root: string): SandboxFrontEnd[] {
  const dir = path.join(root, SANDBOX_FRONT_ENDS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const installDir = sandboxFrontEndInstallDir(root, name);
      const machine = readMachine(installDir);
      return {
        name,
        installDir,
        addresses: machine.addresses,
        secondHopFails: machine.remoting?.secondHop === 'fails',
      };
    });
}

/** `<root>/front-ends/<server name>/Platform Server`. */
export function sandboxFrontEndInstallDir(root: string, serverName: string): string {
  return path.join(root, SANDBOX_FRONT_ENDS_DIR, serverName, INSTALL_DIR_NAME);
}

/** Copies the controller's install files into the front-end's folder, before any rotation has changed them. */
export async function writeSandboxFrontEnd(root: string, controllerInstallDir: string): Promise<void> {
  const installDir = sandboxFrontEndInstallDir(root, SANDBOX_FRONT_END.name);
  fs.mkdirSync(installDir, { recursive: true, mode: 0o700 });
  const hsconf = HsConf.parse(fs.readFileSync(path.join(controllerInstallDir, 'server.hsconf'))).set(
    'NetworkConfiguration',
    'OutgoingIPAddress',
    SANDBOX_FRONT_END.ipAddress,
    { encrypted: false },
  );
  await writeFileAtomic(path.join(installDir, 'server.hsconf'), hsconf.toBuffer(), { mode: 0o600 });
  await writeFileAtomic(
    path.join(installDir, 'private.key'),
    fs.readFileSync(path.join(controllerInstallDir, 'private.key')),
    { mode: 0o600 },
  );
  await writeFileAtomic(
    path.join(path.dirname(installDir), SANDBOX_MACHINE_FILE),
    `${JSON.stringify({ addresses: [SANDBOX_FRONT_END.ipAddress, '127.0.0.1'] }, null, 2)}\n`,
    { mode: 0o600 },
  );
}

/** The simulated machine's addresses for an install made by writeSandboxFrontEnd. */
export function sandboxMachineAddresses(installDir: string): string[] {
  return readMachine(installDir).addresses;
}

function readMachine(installDir: string): z.infer<typeof SimulatedMachine> {
  const file = path.join(path.dirname(installDir), SANDBOX_MACHINE_FILE);
  return SimulatedMachine.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** The simulated front-end whose install holds this folder (`<root>/front-ends/<name>/Platform Server`), if any. */
export function sandboxFrontEndOf(
  root: string,
  folder: string,
): { name: string; installDir: string } | undefined {
  const relative = path.relative(path.join(root, SANDBOX_FRONT_ENDS_DIR), path.resolve(folder));
  const [name, install] = relative.split(path.sep);
  if (!name || name.startsWith('..') || install !== INSTALL_DIR_NAME) return undefined;
  return { name, installDir: sandboxFrontEndInstallDir(root, name) };
}
