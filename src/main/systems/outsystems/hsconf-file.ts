/** Editing server.hsconf on disk: read, edit in memory, back up beside, write atomically. */
import { backupFileBeside } from '../../platform/files/backup.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { HsConf } from './hsconf.js';

export interface HsconfFileEdit {
  before: HsConf;
  after: HsConf;
  changed: boolean;
  /** The copy made before writing (absent when nothing changed). */
  backupPath?: string;
}

/**
 * Applies `edit` to the file. Any error (malformed file, missing section, a value that cannot be
 * encrypted) is thrown before anything is written; an edit that changes nothing writes nothing.
 */
export async function editHsconfFile(
  filePath: string,
  edit: (doc: HsConf) => HsConf,
): Promise<HsconfFileEdit> {
  const before = await HsConf.load(filePath);
  const after = edit(before);
  if (after.toString() === before.toString()) return { before, after, changed: false };
  const backupPath = await backupFileBeside(filePath);
  await writeFileAtomic(filePath, after.toBuffer());
  return { before, after, changed: true, backupPath };
}
