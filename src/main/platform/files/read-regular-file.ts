import fs, { constants } from 'node:fs';
import fsp from 'node:fs/promises';

/**
 * Reading a file the user points at (an input file, server.hsconf, private.key, a secret file):
 * a regular file only, at most `maxBytes`. The checks are made on the opened descriptor (fstat),
 * not by a stat before the open, so a path swapped in between cannot slip a device past them; the
 * open itself is non-blocking, so a FIFO is refused instead of waiting for a writer forever. A
 * link to a regular file is fine; a link to /dev/zero, a FIFO or a folder is not.
 */
export type UnreadableReason =
  'missing' | 'denied' | 'folder' | 'not-regular' | 'too-large' | 'encoding' | 'error';

export class UnreadableFileError extends Error {
  constructor(
    readonly filePath: string,
    readonly reason: UnreadableReason,
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

export interface RegularFileRead {
  bytes: Buffer;
  /** The opened file's stat (mode, owner), taken on the descriptor that was read. */
  stat: fs.Stats;
}

// O_NONBLOCK does not exist on Windows, where opening a pipe by path does not wait either.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Reads the whole file, refusing anything but a regular file of at most `maxBytes`. */
export async function readRegularFile(filePath: string, maxBytes: number): Promise<RegularFileRead> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(filePath, OPEN_FLAGS);
  } catch (error) {
    throw openFailure(filePath, error);
  }
  try {
    const stat = await handle.stat();
    assertRegular(filePath, stat, maxBytes);
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    // Read to the cap plus one byte, whatever the size said: a file may grow while it is read.
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge(filePath, maxBytes);
    return { bytes: buffer.subarray(0, length), stat };
  } catch (error) {
    throw error instanceof UnreadableFileError ? error : openFailure(filePath, error);
  } finally {
    await handle.close();
  }
}

/** The synchronous form, for the CLI's input file. */
export function readRegularFileSync(filePath: string, maxBytes: number): RegularFileRead {
  let fd: number;
  try {
    fd = fs.openSync(filePath, OPEN_FLAGS);
  } catch (error) {
    throw openFailure(filePath, error);
  }
  try {
    const stat = fs.fstatSync(fd);
    assertRegular(filePath, stat, maxBytes);
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = fs.readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge(filePath, maxBytes);
    return { bytes: buffer.subarray(0, length), stat };
  } catch (error) {
    throw error instanceof UnreadableFileError ? error : openFailure(filePath, error);
  } finally {
    fs.closeSync(fd);
  }
}

/** "64 KiB", "1 MiB": limits as people read them. */
export function formatByteLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function assertRegular(filePath: string, stat: fs.Stats, maxBytes: number): void {
  if (stat.isDirectory())
    throw new UnreadableFileError(filePath, 'folder', `${filePath} is a folder, not a file.`);
  if (!stat.isFile())
    throw new UnreadableFileError(
      filePath,
      'not-regular',
      `${filePath} is not a regular file (a device, pipe or socket, or a link to one).`,
    );
  if (stat.size > maxBytes) throw tooLarge(filePath, maxBytes);
}

function tooLarge(filePath: string, maxBytes: number): UnreadableFileError {
  return new UnreadableFileError(
    filePath,
    'too-large',
    `${filePath} is larger than ${formatByteLimit(maxBytes)}, more than such a file ever holds.`,
  );
}

function openFailure(filePath: string, error: unknown): UnreadableFileError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new UnreadableFileError(filePath, 'missing', `${filePath} does not exist.`);
  if (code === 'EACCES' || code === 'EPERM')
    return new UnreadableFileError(filePath, 'denied', `${filePath} cannot be read (${code}).`);
  if (code === 'EISDIR')
    return new UnreadableFileError(filePath, 'folder', `${filePath} is a folder, not a file.`);
  if (code === 'ENXIO' || code === 'EAGAIN')
    return new UnreadableFileError(
      filePath,
      'not-regular',
      `${filePath} is not a regular file (a pipe or socket).`,
    );
  return new UnreadableFileError(filePath, 'error', `${filePath} cannot be read (${code}).`);
}
