import fs from 'node:fs/promises';

/** Raised when a file that holds a secret can be read by other users. */
export class FilePermissionError extends Error {
  constructor(
    readonly filePath: string,
    message: string,
  ) {
    super(message);
    this.name = 'FilePermissionError';
  }
}

/**
 * Throws when others (or the group) may read the file. POSIX mode bits only: on Windows the mode
 * Node reports is synthesised from the read-only flag and says nothing about the ACL, so the check
 * passes there; the file's protection comes from the folder's ACL (Program Files is admin-only).
 */
export async function assertNotWorldReadable(filePath: string): Promise<void> {
  if (process.platform === 'win32') return;
  const mode = (await fs.stat(filePath)).mode & 0o777;
  if ((mode & 0o044) !== 0) {
    throw new FilePermissionError(
      filePath,
      `${filePath} holds a secret but other users can read it (mode ${mode.toString(8).padStart(3, '0')}). ` +
        `Fix: chmod 600 "${filePath}".`,
    );
  }
}

/** Makes the file readable and writable by its owner only (0600). No-op on Windows (see above). */
export async function restrictToOwner(filePath: string): Promise<void> {
  if (process.platform === 'win32') return;
  await fs.chmod(filePath, 0o600);
}
