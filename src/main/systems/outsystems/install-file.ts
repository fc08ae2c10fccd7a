import fs from 'node:fs/promises';

/** Reads a file of the Platform Server folder; a missing or unreadable one becomes the caller's error, naming the fix. */
export async function readInstallFile(
  filePath: string,
  fail: (message: string) => Error,
  missingFix: string,
): Promise<Buffer> {
  try {
    return await fs.readFile(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fail(`${filePath} does not exist. ${missingFix}`);
    if (code === 'EACCES' || code === 'EPERM')
      throw fail(`${filePath} cannot be read (${code}). Run Breakglass as administrator.`);
    throw error;
  }
}
