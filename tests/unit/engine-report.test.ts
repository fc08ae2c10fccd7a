import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/shared/redact.js';
import { Journal, readJournal } from '../../src/main/engine/journal.js';
import { installJournalSeal } from '../../src/main/engine/journal-seal.js';
import type { RunCreated } from '../../src/main/engine/journal-entries.js';
import { foldJournal } from '../../src/main/engine/run-record.js';
import { buildReportData } from '../../src/main/engine/report/report-data.js';
import { renderReport } from '../../src/main/engine/report/index.js';

const seal = installJournalSeal(fs.mkdtempSync(path.join(os.tmpdir(), 'journal-key-')));

const HOSTILE = `<script>alert("x")</script> & 'quotes' \`ticks\` | pipes`;

function hostileRun(): { file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
  const file = path.join(dir, 'journal.jsonl');
  const journal = Journal.create(file, seal);
  const created: RunCreated = {
    runId: '20260101T000000000Z-abcdef',
    procedureId: 'test.proc',
    system: 'test',
    title: `Title ${HOSTILE}`,
    environment: 'sandbox',
    target: `target ${HOSTILE}`,
    inputs: {},
    secretVerifiers: {},
    steps: [
      {
        id: 'one',
        kind: 'change',
        title: `Step ${HOSTILE}`,
        undoable: true,
        description: {
          summary: HOSTILE,
          details: [],
          sql: [{ dialect: 'postgres', text: `SELECT '${HOSTILE}'` }],
          outage: false,
          instructions: [],
          warnings: [],
        },
      },
    ],
    facts: [{ label: 'Fact', value: HOSTILE, status: 'warn' }],
    warnings: [HOSTILE],
    actor: { user: 'ops<b>', host: 'host&1', pid: 1 },
  };
  journal.append('run-created', created);
  journal.append('gate-confirmed', { gate: 'changes' });
  journal.append('step-started', { stepId: 'one', attempt: 1 });
  journal.append('step-log', { stepId: 'one', line: HOSTILE });
  journal.append('step-failed', { stepId: 'one', error: HOSTILE, fix: 'do the thing' });
  journal.append('run-stopped', { state: 'failed', error: HOSTILE });
  journal.close();
  return { file };
}

describe('run reports', () => {
  const { file } = hostileRun();
  const record = foldJournal(readJournal(file, seal));
  const data = buildReportData(
    record,
    { path: file, signedBy: seal.fingerprint },
    new Redactor(),
    new Date('2026-01-02T00:00:00Z'),
  );

  it('HTML is self-contained and escapes everything it prints', () => {
    const html = renderReport(data, 'html').content;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toMatch(/<link|<img|<script|src=|href=|url\(|@import/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain(record.finalHash);
  });

  it('Markdown escapes table cells and names the outcome, the people and the journal hash', () => {
    const markdown = renderReport(data, 'md').content;
    expect(markdown).toContain('**Outcome:** failed');
    expect(markdown).toContain('\\| pipes');
    expect(markdown).toContain('ops\\<b\\> on host&1');
    expect(markdown).toContain(`\`${record.finalHash}\``);
  });

  it('JSON carries the same facts, versioned', () => {
    const json = JSON.parse(renderReport(data, 'json').content) as Record<string, unknown>;
    expect(json).toMatchObject({
      format: 'breakglass-run-report',
      version: 1,
      outcome: 'failed',
      journal: { finalHash: record.finalHash, entries: 6 },
    });
    expect(json.steps).toEqual([expect.objectContaining({ id: 'one', state: 'failed', logs: [HOSTILE] })]);
  });

  it('masks secrets the redactor knows', () => {
    const masked = buildReportData(
      record,
      { path: file, signedBy: seal.fingerprint },
      new Redactor(['pipes']),
    );
    expect(JSON.stringify(masked)).not.toContain('pipes');
  });
});
