/**
 * Issue 16: the Redactor masked a secret's XML form with quotes escaped, but server.hsconf's writer
 * leaves quotes as they are, so `a&'b` written there in plain text (`a&amp;'b`) was not masked.
 * Writers and Redactor now share one escaper (shared/xml-escape.ts); the leak scan knows every form.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/shared/redact.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { renderAppSettings } from '../../src/main/systems/outsystems/module-configs.js';
import { findSecret } from '../support/leak-scan.js';

const HOSTILE = [`a&'b`, `it's "quoted" & <tagged>`, `cr\rand'amp&`, `]]>'&"`];
const hsconf = HsConf.parse(fs.readFileSync('tests/fixtures/outsystems/hsconf/sqlserver.hsconf'));

describe('a secret written to XML is masked in the form the writer gave it', () => {
  for (const secret of HOSTILE) {
    it(`server.hsconf in plain text and appSettings.config: ${JSON.stringify(secret)}`, () => {
      const redactor = new Redactor([secret]);
      const hsconfText = hsconf
        .set('PlatformDatabaseConfiguration', 'AdminPassword', secret, { encrypted: false })
        .toString();
      const appSettings = renderAppSettings(new Map([['OutSystems.DB.Password', secret]]));
      // The secret really is in the files (escaped), so the scan below can fail.
      const found = findSecret(secret, { texts: { hsconfText, appSettings } });
      expect(found.some((where) => where.startsWith('hsconfText'))).toBe(true);
      expect(found.some((where) => where.startsWith('appSettings'))).toBe(true);
      expect(
        findSecret(secret, {
          texts: { hsconf: redactor.redact(hsconfText), appSettings: redactor.redact(appSettings) },
        }),
      ).toEqual([]);
    });
  }
});
