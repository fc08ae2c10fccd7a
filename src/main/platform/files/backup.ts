import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Copies `filePath` beside itself as `<name>.breakglass-<UTC timestamp>.bak` (with its mode) and
 * returns the copy's path. Never overwrites an earlier backup: a second backup in the same
 * millisecond gets a counter.
 */
export async function backupFileBeside(filePath: string, now: Date = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '-');
  const base = path.join(path.dirname(filePath), `${path.basename(filePath)}.breakglass-${stamp}`);
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const candidate = attempt === 0 ? `${base}.bak` : `${base}-${attempt}.bak`;
    try {
      await fs.copyFile(filePath, candidate, constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`Cannot back up ${filePath}: the file does not exist.`);
      }
      throw error;
    }
    await fs.chmod(candidate, (await fs.stat(filePath)).mode & 0o7777);
    return candidate;
  }
  throw new Error(`Cannot back up ${filePath}: too many backups with the same timestamp beside it.`);
}
