import type fs from 'node:fs';
import {
  formatByteLimit,
  readRegularFile,
  UnreadableFileError,
} from '../../platform/files/read-regular-file.js';

/** server.hsconf and private.key are a few KiB; anything this large is not one. */
export const MAX_INSTALL_FILE_BYTES = 1024 * 1024;

/**
 * Reads a file of the Platform Server folder: a regular file (a link to /dev/zero, a FIFO or a
 * folder in its place is refused at once) of at most 1 MiB. What cannot be read becomes the
 * caller's error, naming the fix.
 */
export async function readInstallFile(
  filePath: string,
  fail: (message: string) => Error,
  missingFix: string,
): Promise<{ bytes: Buffer; stat: fs.Stats }> {
  try {
    return await readRegularFile(filePath, MAX_INSTALL_FILE_BYTES);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    switch (error.reason) {
      case 'missing':
        throw fail(`${filePath} does not exist. ${missingFix}`);
      case 'denied':
        throw fail(`${error.message} Run Breakglass as administrator.`);
      case 'too-large':
        throw fail(
          `${filePath} is larger than ${formatByteLimit(MAX_INSTALL_FILE_BYTES)}, so it is not the Platform Server's file. ${missingFix}`,
        );
      default:
        throw fail(`${error.message} It must be the Platform Server's own file. ${missingFix}`);
    }
  }
}
