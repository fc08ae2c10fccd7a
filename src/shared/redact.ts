import { xmlForms } from './xml-escape.js';

/**
 * The one redaction layer: every log line, error message, journal entry and report passes
 * through a Redactor that knows the run's secrets and masks each occurrence.
 */
export const MASK = '********';

/** Secrets shorter than this are not masked by substring (they would mask ordinary words); they must never be logged at all. */
const MIN_MASKABLE_LENGTH = 3;

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length < MIN_MASKABLE_LENGTH) return;
    this.secrets.add(secret);
    // The same secret often appears escaped: in XML, JSON, SQL literals and URLs.
    for (const variant of escapedVariants(secret)) if (variant !== secret) this.secrets.add(variant);
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0 || text.length === 0) return text;
    let result = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (result.includes(secret)) result = result.split(secret).join(MASK);
    }
    return result;
  }

  /** Deep copy of a JSON-like value with every string redacted. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item)) as T;
    if (value && typeof value === 'object' && !(value instanceof Date) && !ArrayBuffer.isView(value)) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[key] = this.redactValue(item);
      return copy as T;
    }
    return value;
  }
}

function escapedVariants(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const sqlQuoted = secret.replace(/'/g, "''");
  const oracleQuoted = secret.replace(/"/g, '""');
  let url = secret;
  try {
    url = encodeURIComponent(secret);
  } catch {
    // A lone surrogate cannot be URL-encoded; the raw form is still masked.
  }
  return [...xmlForms(secret), json, sqlQuoted, oracleQuoted, url];
}
