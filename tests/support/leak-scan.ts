import fs from 'node:fs';
import path from 'node:path';

/** The forms a leaked secret takes: plain, JSON-, XML-, SQL- and URL-escaped, base64/base64url, hex, UTF-16LE. */
export function secretForms(secret: string): Array<{ form: string; bytes: Buffer }> {
  const xmlText = secret
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;');
  const xmlAttribute = xmlText.replace(/"/g, '&quot;').replace(/\n/g, '&#xA;');
  const forms: Record<string, Buffer> = {
    plain: Buffer.from(secret, 'utf8'),
    json: Buffer.from(JSON.stringify(secret).slice(1, -1), 'utf8'),
    // Element text (quotes as they are, as server.hsconf holds them), a double-quoted attribute, and with `'` escaped too.
    xmlText: Buffer.from(xmlText, 'utf8'),
    xmlAttribute: Buffer.from(xmlAttribute, 'utf8'),
    xmlApos: Buffer.from(xmlAttribute.replace(/'/g, '&apos;'), 'utf8'),
    sql: Buffer.from(secret.replace(/'/g, "''"), 'utf8'),
    url: Buffer.from(encodeURIComponent(secret), 'utf8'),
    base64: Buffer.from(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''), 'utf8'),
    base64url: Buffer.from(Buffer.from(secret, 'utf8').toString('base64url'), 'utf8'),
    hex: Buffer.from(Buffer.from(secret, 'utf8').toString('hex'), 'utf8'),
    utf16le: Buffer.from(secret, 'utf16le'),
  };
  const seen = new Set<string>();
  return Object.entries(forms)
    .filter(([, bytes]) => {
      const key = bytes.toString('hex');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(([form, bytes]) => ({ form, bytes }));
}

export interface LeakScanTargets {
  /** Every file under these directories is read in full. */
  dirs?: string[];
  /** Captured text by label (stdout, stderr, events, errors, argv...). */
  texts?: Record<string, string>;
}

/** Every place (file path or text label) where the secret appears in any of its forms. Empty = no leak. */
export function findSecret(secret: string, targets: LeakScanTargets): string[] {
  const forms = secretForms(secret);
  const hits: string[] = [];
  const check = (label: string, content: Buffer) => {
    for (const { form, bytes } of forms) if (content.includes(bytes)) hits.push(`${label} (${form})`);
  };
  for (const dir of targets.dirs ?? [])
    for (const file of filesUnder(dir)) check(file, fs.readFileSync(file));
  for (const [label, text] of Object.entries(targets.texts ?? {})) check(label, Buffer.from(text, 'utf8'));
  return hits;
}

/** Files under `dir`, recursively; the count lets a test prove the scan saw something. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}
