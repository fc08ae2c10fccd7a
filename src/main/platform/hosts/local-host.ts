import os from 'node:os';
import type { DbConnector, DbSettings } from '../db/types.js';
import type { Exec } from '../exec/types.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { readRegularFile, UnreadableFileError } from '../files/read-regular-file.js';
import type { ServiceController } from '../services/types.js';
import type { HostAccess } from './types.js';

export interface LocalHostOptions {
  /** The host's name as the product knows it (e.g. this server's OSSYS_SERVER.NAME). */
  name: string;
  exec: Exec;
  services: ServiceController;
  db: DbConnector;
  /** Tests give a fixed machine; default: this one's. */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/** This machine as a HostAccess: its programs, services and files, and database logins made from here. */
export function localHost(options: LocalHostOptions): HostAccess {
  const networkInterfaces = options.networkInterfaces ?? os.networkInterfaces;
  return {
    name: options.name,
    reachedBy: 'this machine',
    exec: options.exec,
    services: options.services,
    files: {
      async read(filePath, maxBytes) {
        try {
          return (await readRegularFile(filePath, maxBytes)).bytes;
        } catch (error) {
          if (error instanceof UnreadableFileError && error.reason === 'missing') return undefined;
          throw error;
        }
      },
      write: (filePath, bytes, writeOptions) =>
        writeFileAtomic(filePath, bytes, { mode: writeOptions?.mode }),
    },
    addresses: () => Promise.resolve(machineIpv4Addresses(networkInterfaces)),
    async testDatabaseLogin(settings: DbSettings) {
      const session = await options.db.connect(settings);
      await session.close();
    },
  };
}

/**
 * This machine's IPv4 addresses that other machines can reach (loopback left out: a farm server
 * registered at 127.0.0.1 is unreachable by the others).
 */
export function machineIpv4Addresses(
  networkInterfaces: () => NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces,
): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal)
    .map((address) => address.address);
}
