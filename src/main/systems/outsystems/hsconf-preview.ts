import { createTwoFilesPatch } from 'diff';
import { MASK } from '../../../shared/redact.js';
import type { HsConf, HsConfEntry } from './hsconf.js';

/** Values shown masked in previews: passwords and anything the platform stores encrypted. */
export function isSecretEntry(entry: HsConfEntry): boolean {
  return entry.encrypted || /password|secret/i.test(entry.key);
}

/**
 * A unified diff of a server.hsconf edit with every secret masked: an unchanged secret shows as
 * the mask on both sides, a changed one as "(current)" → "(new)", so the admin sees which
 * password changes without seeing it.
 */
export function hsconfEditDiff(filePath: string, before: HsConf, after: HsConf): string {
  const beforeValues = new Map(
    before.entries().map((entry) => [`${entry.section}/${entry.key}`, entry.value]),
  );
  const afterValues = new Map(after.entries().map((entry) => [`${entry.section}/${entry.key}`, entry.value]));
  const masked = (doc: HsConf, own: Map<string, string>, other: Map<string, string>, label: string) =>
    doc
      .textWithValues((entry) => {
        if (!isSecretEntry(entry)) return undefined;
        const id = `${entry.section}/${entry.key}`;
        if (entry.value === '') return '';
        return other.get(id) === own.get(id) ? MASK : `${MASK} (${label})`;
      })
      .replace(/^\uFEFF/, '')
      .replace(/\r\n/g, '\n');
  return createTwoFilesPatch(
    filePath,
    filePath,
    masked(before, beforeValues, afterValues, 'current'),
    masked(after, afterValues, beforeValues, 'new'),
    'current',
    'after the edit',
  );
}
