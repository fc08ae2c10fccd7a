import type { DbSettings } from '../db/types.js';
import type { Exec } from '../exec/types.js';
import type { ServiceController } from '../services/types.js';

/**
 * One machine a step acts on: this one, a front-end reached from the controller through PowerShell
 * remoting, or a simulated one in the sandbox. Whatever reaches it, the steps use the same calls.
 */
export interface HostAccess {
  /** The host's name as the product knows it (e.g. OSSYS_SERVER.NAME). */
  readonly name: string;
  /** How it is reached, in words, for plans and logs ("this machine", "PowerShell remoting from the controller"). */
  readonly reachedBy: string;
  /** Programs on that machine. */
  readonly exec: Exec;
  /** Services on that machine. */
  readonly services: ServiceController;
  readonly files: HostFiles;
  /** Its IPv4 addresses in use. */
  addresses(): Promise<string[]>;
  /**
   * Opens (then closes) a database connection from that machine, as its services would. Throws the
   * classified failure (`platform/db/classify.ts`); reached remotely, Windows authentication fails
   * as the second hop does ("Login failed for user 'NT AUTHORITY\ANONYMOUS LOGON'").
   */
  testDatabaseLogin(settings: DbSettings): Promise<void>;
}

/** Files on a host, by that host's own paths. */
export interface HostFiles {
  /** A regular file of at most `maxBytes`; undefined when missing. Anything else in its place (a folder, a device, too big) throws. */
  read(filePath: string, maxBytes: number): Promise<Buffer | undefined>;
  /** Replaces the file atomically; a new file gets `mode` (0600 for one holding secrets). */
  write(filePath: string, bytes: Buffer, options?: { mode?: number }): Promise<void>;
}
