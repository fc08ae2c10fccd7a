import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  Journal,
  JournalEmpty,
  JournalTampered,
  readJournal,
  verifyJournal,
} from '../../src/main/engine/journal.js';
import { installJournalSeal } from '../../src/main/engine/journal-seal.js';

const seal = installJournalSeal(fs.mkdtempSync(path.join(os.tmpdir(), 'journal-key-')));

function journalWith(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
  const file = path.join(dir, 'run', 'journal.jsonl');
  const journal = Journal.create(file, seal);
  for (let index = 1; index <= count; index += 1)
    journal.append('step-done', { stepId: `step-${index}`, note: `entry ${index}` });
  journal.close();
  return file;
}

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n');
}

function write(file: string, content: string[]): void {
  fs.writeFileSync(file, `${content.join('\n')}\n`);
}

function tamperedLine(file: string): number {
  try {
    readJournal(file, seal);
  } catch (error) {
    expect(error).toBeInstanceOf(JournalTampered);
    expect((error as Error).message).toContain(file);
    return (error as JournalTampered).line;
  }
  throw new Error('tampering was not detected');
}

describe('journal', () => {
  it('chains each entry to the one before, starting from the genesis hash, with 0600/0700 modes', () => {
    const file = journalWith(3);
    const entries = readJournal(file, seal);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(entries[0]?.prev).toBe(GENESIS_HASH);
    expect(entries[1]?.prev).toBe(entries[0]?.hash);
    expect(entries[2]?.prev).toBe(entries[1]?.hash);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('appends after reopening, continuing the chain', () => {
    const file = journalWith(2);
    const { journal, entries } = Journal.open(file, seal);
    expect(journal.finalHash).toBe(entries[1]?.hash);
    journal.append('resumed', { by: 'someone' });
    journal.close();
    expect(readJournal(file, seal).map((entry) => entry.type)).toEqual(['step-done', 'step-done', 'resumed']);
  });

  it('refuses to create over an existing journal', () => {
    const file = journalWith(1);
    expect(() => Journal.create(file, seal)).toThrow(/EEXIST/);
  });

  it('detects an edited line, naming it (also the last line)', () => {
    const file = journalWith(4);
    const original = lines(file);
    write(
      file,
      original.map((line, index) => (index === 1 ? line.replace('entry 2', 'entry X') : line)),
    );
    expect(tamperedLine(file)).toBe(2);
    write(
      file,
      original.map((line, index) => (index === 3 ? line.replace('entry 4', 'entry Y') : line)),
    );
    expect(tamperedLine(file)).toBe(4);
  });

  it('detects a deleted, an inserted and a reordered line', () => {
    const file = journalWith(4);
    const original = lines(file);
    write(file, [original[0], original[2], original[3]] as string[]);
    expect(tamperedLine(file)).toBe(2);
    write(file, [original[0], original[1], original[1], original[2], original[3]] as string[]);
    expect(tamperedLine(file)).toBe(3);
    write(file, [original[0], original[2], original[1], original[3]] as string[]);
    expect(tamperedLine(file)).toBe(2);
    write(file, original.slice(1));
    expect(tamperedLine(file)).toBe(1);
  });

  it('detects a line that is not JSON, also just before a torn last line', () => {
    const file = journalWith(3);
    const original = lines(file);
    write(file, [original[0] as string, 'not json', original[2] as string]);
    expect(tamperedLine(file)).toBe(2);
    fs.writeFileSync(file, `${original[0] as string}\nnot json\n${(original[2] as string).slice(0, 20)}`);
    expect(tamperedLine(file)).toBe(2);
  });

  it("a line edited with its hash recomputed is caught by the next line's prev", () => {
    const file = journalWith(3);
    const original = lines(file);
    const edited = JSON.parse(original[1] as string) as {
      seq: number;
      at: string;
      type: string;
      data: { note: string };
      prev: string;
      hash: string;
    };
    edited.data.note = 'rewritten';
    edited.hash = createHash('sha256')
      .update(
        JSON.stringify({
          seq: edited.seq,
          at: edited.at,
          type: edited.type,
          data: edited.data,
          prev: edited.prev,
        }),
        'utf8',
      )
      .digest('hex');
    write(file, [original[0] as string, JSON.stringify(edited), original[2] as string]);
    try {
      readJournal(file, seal);
      throw new Error('not detected');
    } catch (error) {
      expect(error).toBeInstanceOf(JournalTampered);
      expect((error as JournalTampered).line).toBe(3);
      expect((error as Error).message).toMatch(/does not follow the line before it/);
    }
  });

  it('a chain recomputed without the key (every hash after an edit redone) fails on the signature', () => {
    const file = journalWith(3);
    let prev = GENESIS_HASH;
    const rewritten = lines(file).map((line, index) => {
      const entry = JSON.parse(line) as Record<string, unknown> & { data: { note: string } };
      if (index === 1) entry.data.note = 'rewritten';
      const { seq, at, type, data } = entry;
      entry.prev = prev;
      entry.hash = createHash('sha256')
        .update(JSON.stringify({ seq, at, type, data, prev }), 'utf8')
        .digest('hex');
      prev = entry.hash as string;
      return JSON.stringify(entry);
    });
    write(file, rewritten);
    expect(tamperedLine(file)).toBe(3);
    expect(() => readJournal(file, seal)).toThrow(/signature does not verify .*SHA256:/);
  });

  it("a journal signed by another installation's key is refused", () => {
    const file = journalWith(2);
    const otherInstall = installJournalSeal(fs.mkdtempSync(path.join(os.tmpdir(), 'journal-key-other-')));
    expect(otherInstall.fingerprint).not.toBe(seal.fingerprint);
    expect(() => readJournal(file, otherInstall)).toThrow(JournalTampered);
    expect(readJournal(file, seal)).toHaveLength(2);
  });

  it('keeps the key 0600 outside the run folder and loads the same key again', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-key-reload-'));
    const first = installJournalSeal(dataDir);
    const keyFile = path.join(dataDir, 'keys', 'journal-signing.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(installJournalSeal(dataDir).fingerprint).toBe(first.fingerprint);
  });

  it('the documented limit: whole lines removed from the end leave a chain that verifies', () => {
    const file = journalWith(3);
    write(file, lines(file).slice(0, 2));
    expect(readJournal(file, seal)).toHaveLength(2);
  });

  it('a torn last line (crash mid-write) is left out by readers and cut off by open, not called tampering', () => {
    const file = journalWith(3);
    const complete = fs.readFileSync(file, 'utf8');
    fs.appendFileSync(file, '{"seq":4,"at":"2026');
    const verified = verifyJournal(file, seal);
    expect(verified.entries).toHaveLength(3);
    expect(verified.torn).toMatchObject({ line: 4, bytes: 19 });
    expect(fs.readFileSync(file, 'utf8')).not.toBe(complete);
    const { journal, torn } = Journal.open(file, seal);
    expect(torn?.line).toBe(4);
    journal.append('torn-line-recovered', torn as object);
    journal.close();
    expect(readJournal(file, seal).map((entry) => entry.type)).toEqual([
      'step-done',
      'step-done',
      'step-done',
      'torn-line-recovered',
    ]);
  });

  it('keeps a whole last entry whose newline is missing, and adds the newline on open', () => {
    const file = journalWith(2);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, -1));
    expect(readJournal(file, seal)).toHaveLength(2);
    const { journal, torn } = Journal.open(file, seal);
    expect(torn).toBeUndefined();
    journal.append('resumed', {});
    journal.close();
    expect(readJournal(file, seal)).toHaveLength(3);
  });

  it('an empty journal (killed before its first entry) is JournalEmpty, not tampering', () => {
    const file = journalWith(0);
    expect(() => readJournal(file, seal)).toThrow(JournalEmpty);
    fs.writeFileSync(file, '{"seq":1,"at"');
    expect(() => readJournal(file, seal)).toThrow(JournalEmpty);
  });
});
