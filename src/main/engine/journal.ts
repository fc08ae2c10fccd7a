import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { JournalSeal } from './journal-seal.js';

/**
 * The run's append-only, hash-chained JSON-lines journal. Each line is
 * `{"seq","at","type","data","prev","hash"}` where `hash` = SHA-256 of the JSON of
 * `{seq, at, type, data, prev}` and `prev` is the previous line's `hash` (the first line's is
 * the hash of GENESIS), so an edited, deleted, inserted or reordered line breaks the chain.
 * Each line also carries `sig`, the installation's signature over `hash` (journal-seal.ts): the
 * last entry's signature vouches for the whole chain before it, so a rewritten chain is detected
 * even when its hashes were recomputed. Removing whole lines from the end leaves a shorter chain
 * that still verifies; only the report's entry count and final hash show that.
 * Every entry is fsync'd before `append` returns. Callers pass data that has been redacted.
 */
export const GENESIS = 'breakglass-journal-v1';
export const GENESIS_HASH = sha256(GENESIS);
export const JOURNAL_FILE = 'journal.jsonl';

export interface JournalEntry<T = Record<string, unknown>> {
  seq: number;
  at: string;
  type: string;
  data: T;
  prev: string;
  hash: string;
  /** Base64 Ed25519 signature of `hash` by the installation's journal key. */
  sig: string;
}

/** The journal does not verify: names the line and what is wrong with it. */
export class JournalTampered extends Error {
  constructor(
    readonly journalPath: string,
    readonly line: number,
    reason: string,
  ) {
    super(
      `The journal ${journalPath} has been altered at line ${line}: ${reason}. It cannot be trusted for resume; keep it for the audit and start a new run.`,
    );
    this.name = 'JournalTampered';
  }
}

/**
 * The journal file exists but holds no entry: the process stopped between creating it and writing
 * its first line (kill -9, power loss). The run never started; nothing was changed.
 */
export class JournalEmpty extends Error {
  constructor(readonly journalPath: string) {
    super(
      `The journal ${journalPath} is empty: that run never started (it stopped before its first entry), so nothing was changed.`,
    );
    this.name = 'JournalEmpty';
  }
}

/** A last line cut short by a crash during its write: not part of the record. */
export interface TornLine {
  line: number;
  bytes: number;
  /** SHA-256 of the torn bytes, kept in the `torn-line-recovered` entry instead of the bytes. */
  sha256: string;
}

export interface VerifiedJournal {
  entries: JournalEntry[];
  /** Set when the file ends in an incomplete line (a crash mid-write); the entries before it verify. */
  torn?: TornLine;
  /** Byte length of the verified part (what `Journal.open` truncates the file to). */
  verifiedBytes: number;
  /** The last entry was complete but its newline is missing (the write stopped just before it). */
  missingNewline: boolean;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function entryHash(seq: number, at: string, type: string, data: unknown, prev: string): string {
  return sha256(JSON.stringify({ seq, at, type, data, prev }));
}

export class Journal {
  private constructor(
    readonly filePath: string,
    private fd: number,
    private seq: number,
    private head: string,
    private readonly seal: JournalSeal,
  ) {}

  /** Creates a new journal (the file must not exist); the directory is made 0700, the file 0600. */
  static create(filePath: string, seal: JournalSeal): Journal {
    fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(filePath, 'wx', 0o600);
    fsyncDirectory(path.dirname(filePath));
    return new Journal(filePath, fd, 0, GENESIS_HASH, seal);
  }

  /**
   * Opens an existing journal for appending after verifying its whole chain. A torn last line (a
   * crash mid-write) is cut off first and returned, so the caller journals `torn-line-recovered`.
   */
  static open(
    filePath: string,
    seal: JournalSeal,
  ): { journal: Journal; entries: JournalEntry[]; torn?: TornLine } {
    const verified = verifyJournal(filePath, seal);
    const { entries, torn } = verified;
    if (torn) fs.truncateSync(filePath, verified.verifiedBytes);
    const last = entries.at(-1);
    const fd = fs.openSync(filePath, 'a', 0o600);
    if (verified.missingNewline) fs.writeSync(fd, '\n');
    if (torn || verified.missingNewline) fs.fsyncSync(fd);
    return {
      journal: new Journal(filePath, fd, last?.seq ?? 0, last?.hash ?? GENESIS_HASH, seal),
      entries,
      torn,
    };
  }

  get finalHash(): string {
    return this.head;
  }

  append<T extends object>(type: string, data: T, now = new Date()): JournalEntry<T> {
    const seq = this.seq + 1;
    const at = now.toISOString();
    const hash = entryHash(seq, at, type, data, this.head);
    const entry: JournalEntry<T> = { seq, at, type, data, prev: this.head, hash, sig: this.seal.sign(hash) };
    fs.writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fs.fsyncSync(this.fd);
    this.seq = seq;
    this.head = hash;
    return entry;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** Reads and verifies a journal; throws JournalTampered naming the first bad line, JournalEmpty when it holds none. A torn last line is left out. */
export function readJournal(filePath: string, seal: JournalSeal): JournalEntry[] {
  return verifyJournal(filePath, seal).entries;
}

/**
 * Verifies the chain line by line. A final segment without its newline is a write cut short by a
 * crash: kept when it is a whole entry that chains, else reported as torn and left out. Anything
 * else that does not verify — in any complete line, or the last entry's signature — is tampering.
 */
export function verifyJournal(filePath: string, seal: JournalSeal): VerifiedJournal {
  const text = fs.readFileSync(filePath, 'utf8');
  if (text.length === 0) throw new JournalEmpty(filePath);
  const terminated = text.endsWith('\n');
  const cut = terminated ? text.length : text.lastIndexOf('\n') + 1;
  const lines = cut === 0 ? [] : text.slice(0, cut - 1).split('\n');
  const entries: JournalEntry[] = [];
  let prev = GENESIS_HASH;
  lines.forEach((line, index) => {
    const entry = verifiedEntry(filePath, line, index + 1, prev);
    prev = entry.hash;
    entries.push(entry);
  });
  const tail = text.slice(cut);
  let torn: TornLine | undefined;
  let missingNewline = false;
  if (tail.length > 0) {
    try {
      entries.push(verifiedEntry(filePath, tail, lines.length + 1, prev));
      missingNewline = true;
    } catch {
      torn = { line: lines.length + 1, bytes: Buffer.byteLength(tail, 'utf8'), sha256: sha256(tail) };
    }
  }
  const last = entries.at(-1);
  if (!last) throw new JournalEmpty(filePath);
  if (!seal.verifies(last.hash, last.sig))
    throw new JournalTampered(
      filePath,
      entries.length,
      `its signature does not verify with this installation's journal key ${seal.fingerprint} (the chain was rewritten, or the journal comes from another installation)`,
    );
  return {
    entries,
    torn,
    verifiedBytes: Buffer.byteLength(text.slice(0, missingNewline ? text.length : cut), 'utf8'),
    missingNewline,
  };
}

function verifiedEntry(filePath: string, line: string, lineNo: number, prev: string): JournalEntry {
  let entry: JournalEntry;
  try {
    entry = JSON.parse(line) as JournalEntry;
  } catch {
    throw new JournalTampered(filePath, lineNo, 'it is not valid JSON');
  }
  if (
    !entry ||
    typeof entry !== 'object' ||
    typeof entry.hash !== 'string' ||
    typeof entry.type !== 'string'
  ) {
    throw new JournalTampered(filePath, lineNo, 'it is not a journal entry');
  }
  if (entry.seq !== lineNo)
    throw new JournalTampered(
      filePath,
      lineNo,
      `its sequence number is ${String(entry.seq)}, expected ${lineNo} (a line was removed, inserted or moved)`,
    );
  if (entry.prev !== prev)
    throw new JournalTampered(
      filePath,
      lineNo,
      'it does not follow the line before it (a line was removed, inserted or moved)',
    );
  if (entryHash(entry.seq, entry.at, entry.type, entry.data, entry.prev) !== entry.hash) {
    throw new JournalTampered(filePath, lineNo, 'its content does not match its hash (it was edited)');
  }
  return entry;
}

function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
