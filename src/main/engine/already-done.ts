import type { BackupStore } from './types.js';

/**
 * Who left the target already in the state a step wants, as far as the run's own backups can tell:
 * a rerun must not claim "an earlier attempt of this run wrote it" when someone else did. Call it
 * before the step's `saveValues` of this attempt; `wroteThis` says whether the result this run
 * recorded (`saveResult`) is what the target holds now.
 */
export async function alreadyDoneBy(
  backup: BackupStore,
  key: string,
  wroteThis: (recorded: unknown) => boolean,
): Promise<string> {
  const recorded = await backup.loadResult(key);
  if (recorded !== undefined && wroteThis(recorded)) return 'an earlier attempt of this run wrote it';
  if ((await backup.loadValues(key)) !== undefined)
    return 'an earlier attempt of this run stopped around its write, or someone else set it since';
  return 'it was so before this run changed anything: someone or something else set it';
}
