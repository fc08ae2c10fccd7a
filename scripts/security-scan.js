#!/usr/bin/env node
// Electron security scan (part of `npm test`): runs @doyensec/electronegativity over the built
// app in out/ (main, preload and the renderer's HTML with its CSP meta), prints every finding,
// and exits non-zero when any finding is HIGH severity.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'out');
const require = createRequire(import.meta.url);

if (!fs.existsSync(path.join(target, 'main', 'index.js'))) {
  console.error('security scan: out/main/index.js is missing; run `npm run build` first.');
  process.exit(2);
}

const scanner = path.join(
  path.dirname(require.resolve('@doyensec/electronegativity/package.json')),
  'dist',
  'index.js',
);
const electronVersion = require('electron/package.json').version;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-scan-'));
const report = path.join(workDir, 'findings.csv');
try {
  const run = spawnSync(
    process.execPath,
    [
      scanner,
      '--input',
      target,
      '--relative',
      '--verbose',
      'false',
      '--electron-version',
      electronVersion,
      '--output',
      report,
    ],
    {
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  if (run.error || !fs.existsSync(report)) {
    console.error(
      `security scan: electronegativity did not produce a report (${run.error?.message ?? `exit ${run.status}`}).`,
    );
    console.error(run.stderr?.trim() ?? '');
    process.exit(2);
  }
  const findings = parseCsv(fs.readFileSync(report, 'utf8'))
    .slice(1)
    .filter((row) => row.length >= 5);
  for (const [issue, severity, confidence, file, location] of findings) {
    console.log(
      `${severity.padEnd(13)} ${confidence.padEnd(9)} ${issue} ${file === 'N/A' ? '' : `${file}:${location}`}`,
    );
  }
  const high = findings.filter(([, severity]) => severity === 'HIGH');
  console.log(
    `security scan: ${findings.length} finding(s), ${high.length} high severity (electronegativity, Electron ${electronVersion}).`,
  );
  process.exit(high.length > 0 ? 1 : 0);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines; spaces after a comma are ignored. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (char === ',') {
      row.push(field.trim());
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field.trim());
      if (row.some((value) => value !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  row.push(field.trim());
  if (row.some((value) => value !== '')) rows.push(row);
  return rows;
}
