import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../platform/files/atomic-write.js';
import { readRegularFile, UnreadableFileError } from '../platform/files/read-regular-file.js';
import type { BackupStore } from './types.js';

/**
 * A run's backups, beside its journal: `files/<sha256 of path>` copies plus `files.json`
 * (which paths were saved, and whether they existed), `backup-values.json` for old values, and
 * `step-results.json` for what steps left (last record wins; undo after success compares with it).
 * Everything 0600 in 0700 directories. The first save of a file or key in a run wins, so a step
 * re-run after a crash never overwrites the original with its own half-done change. Writes go one
 * at a time (`serially`): the hosts of a fan-out save at once, and each write rewrites a manifest.
 * Every read goes through the bounded regular-file reader: a file to back up that is (or links to)
 * a device or a FIFO, or is larger than any config file, is refused instead of hanging the run.
 */
export const MAX_BACKUP_FILE_BYTES = 64 * 1024 * 1024;
/** The manifests and value files hold small records. */
const MAX_RECORD_FILE_BYTES = 64 * 1024 * 1024;

export class RunBackupStore implements BackupStore {
  private readonly filesDir: string;
  private readonly manifestPath: string;
  private readonly valuesPath: string;
  private readonly resultsPath: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(runDir: string) {
    this.filesDir = path.join(runDir, 'files');
    this.manifestPath = path.join(runDir, 'files.json');
    this.valuesPath = path.join(runDir, 'backup-values.json');
    this.resultsPath = path.join(runDir, 'step-results.json');
  }

  saveFile(filePath: string): Promise<void> {
    return this.serially(() => this.saveFileNow(filePath));
  }

  private async saveFileNow(filePath: string): Promise<void> {
    const absolute = path.resolve(filePath);
    const manifest = await this.readJson<Record<string, { copy: string | null }>>(this.manifestPath);
    if (manifest[absolute]) return;
    let copy: string | null = null;
    const current = await readIfPresent(absolute, MAX_BACKUP_FILE_BYTES);
    if (current) {
      fs.mkdirSync(this.filesDir, { recursive: true, mode: 0o700 });
      copy = createHash('sha256').update(absolute).digest('hex');
      await writeFileAtomic(path.join(this.filesDir, copy), current, { mode: 0o600 });
    }
    manifest[absolute] = { copy };
    await writeFileAtomic(this.manifestPath, JSON.stringify(manifest, null, 2), { mode: 0o600 });
  }

  async restoreFile(filePath: string): Promise<void> {
    const absolute = path.resolve(filePath);
    const saved = (await this.readJson<Record<string, { copy: string | null }>>(this.manifestPath))[absolute];
    if (!saved) return;
    if (saved.copy === null) {
      fs.rmSync(absolute, { force: true });
      return;
    }
    const { bytes: original } = await readRegularFile(
      path.join(this.filesDir, saved.copy),
      MAX_BACKUP_FILE_BYTES,
    );
    const mode = fs.existsSync(absolute) ? undefined : 0o600;
    await writeFileAtomic(absolute, original, mode === undefined ? undefined : { mode });
  }

  saveValues(key: string, values: unknown): Promise<void> {
    return this.serially(() => this.saveValuesNow(key, values));
  }

  private async saveValuesNow(key: string, values: unknown): Promise<void> {
    const all = await this.readJson<Record<string, unknown>>(this.valuesPath);
    if (Object.prototype.hasOwnProperty.call(all, key)) return;
    all[key] = values;
    await writeFileAtomic(this.valuesPath, JSON.stringify(all, null, 2), { mode: 0o600 });
  }

  async loadValues<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.readJson<Record<string, T>>(this.valuesPath))[key];
  }

  saveResult(key: string, values: unknown): Promise<void> {
    return this.serially(async () => {
      const all = await this.readJson<Record<string, unknown>>(this.resultsPath);
      all[key] = values;
      await writeFileAtomic(this.resultsPath, JSON.stringify(all, null, 2), { mode: 0o600 });
    });
  }

  async loadResult<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.readJson<Record<string, T>>(this.resultsPath))[key];
  }

  /** Runs `write` after every write asked for before it; a failed write fails only its caller. */
  private serially(write: () => Promise<void>): Promise<void> {
    const next = this.queue.then(write);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readJson<T extends object>(filePath: string): Promise<T> {
    const bytes = await readIfPresent(filePath, MAX_RECORD_FILE_BYTES);
    return bytes ? (JSON.parse(bytes.toString('utf8')) as T) : ({} as T);
  }
}

/** The file's bytes, or undefined when there is no such file; anything but a regular file is refused. */
async function readIfPresent(filePath: string, maxBytes: number): Promise<Buffer | undefined> {
  try {
    return (await readRegularFile(filePath, maxBytes)).bytes;
  } catch (error) {
    if (error instanceof UnreadableFileError && error.reason === 'missing') return undefined;
    throw error;
  }
}
