/**
 * private.key: the farm's settings key. Read as UTF-8 (BOM, CRLF/LF/CR all fine); lines starting
 * with `--` at column 0 (the warning banner) and blank lines are skipped; the first other line,
 * trimmed, is the Base64 key, used as the AES key as is. The rest of the file is ignored.
 */
import { readInstallFile } from './install-file.js';

export const AES_KEY_LENGTHS = [16, 24, 32] as const;

export class PrivateKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivateKeyError';
  }
}

export interface PrivateKey {
  /** The AES key bytes. */
  key: Buffer;
  /** The Base64 line as written in the file (a secret: register it with the run's Redactor). */
  base64: string;
  /** Set when the file's mode lets other users read it (POSIX only): a warning, not a refusal. */
  readableByOthers?: string;
}

export function parsePrivateKey(contents: string | Buffer, sourceName = 'private.key'): PrivateKey {
  const text = (typeof contents === 'string' ? contents : contents.toString('utf8')).replace(/^\uFEFF/, '');
  const keyLine = text
    .split(/\r\n|\r|\n/)
    .find((line) => !line.startsWith('--') && line.trim() !== '')
    ?.trim();
  if (!keyLine) {
    throw new PrivateKeyError(
      `${sourceName} holds no key line (only banner or blank lines). Copy private.key from the deployment controller.`,
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyLine) || keyLine.length % 4 !== 0) {
    throw new PrivateKeyError(
      `${sourceName} is garbled: its key line is not Base64. Copy private.key again from the deployment controller (byte for byte, e.g. not through a text editor that re-wraps lines).`,
    );
  }
  const key = Buffer.from(keyLine, 'base64');
  if (!(AES_KEY_LENGTHS as readonly number[]).includes(key.length)) {
    throw new PrivateKeyError(
      `${sourceName} holds a ${key.length}-byte key; AES needs 16, 24 or 32 bytes. The file is truncated or not a Platform Server private.key: copy it again from the deployment controller.`,
    );
  }
  return { key, base64: keyLine };
}

export async function loadPrivateKey(filePath: string): Promise<PrivateKey> {
  const { bytes, stat } = await readInstallFile(
    filePath,
    (message) => new PrivateKeyError(message),
    'Copy private.key from the deployment controller into the Platform Server folder.',
  );
  const parsed = parsePrivateKey(bytes, filePath);
  const mode = stat.mode & 0o777;
  if (process.platform === 'win32' || (mode & 0o044) === 0) return parsed;
  return {
    ...parsed,
    readableByOthers: `${filePath} can be read by other users (mode ${mode.toString(8).padStart(3, '0')}): whoever reads it can decrypt every password in server.hsconf. Fix: chmod 600 "${filePath}" (owner only).`,
  };
}
