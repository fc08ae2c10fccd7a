/**
 * server.hsconf handling against the bare primitives it is built on, in the same run
 * (ratio = subject / baseline in operations per second: 1.0 means no overhead).
 */
import { createDecipheriv } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { HsConf } from '../src/main/systems/outsystems/hsconf.js';
import { setHsconfSecret } from '../src/main/systems/outsystems/hsconf-secrets.js';
import { decryptSetting, encryptSetting } from '../src/main/systems/outsystems/settings-crypto.js';

interface Result {
  name: string;
  baseline: number;
  subject: number;
  unit: string;
}

const fixtures = path.resolve(import.meta.dirname, '../tests/fixtures/outsystems/hsconf');

function perSecond(iterations: number, operation: () => unknown): number {
  for (let index = 0; index < iterations / 5; index += 1) operation();
  const started = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) operation();
  return iterations / (Number(process.hrtime.bigint() - started) / 1e9);
}

function compare(
  name: string,
  iterations: number,
  unit: string,
  baseline: () => unknown,
  subject: () => unknown,
): Result {
  // Both warmed up before either is timed, so the first one measured does not pay for the JIT alone.
  perSecond(iterations, baseline);
  perSecond(iterations, subject);
  return { name, baseline: perSecond(iterations, baseline), subject: perSecond(iterations, subject), unit };
}

export default async function (): Promise<Result[]> {
  const text = fs.readFileSync(path.join(fixtures, 'sqlserver-bom-crlf.hsconf'), 'utf8');
  const key = Buffer.from('q0Ea9sZ3x7Yk1mP4bN8cRg==', 'base64');
  const doc = HsConf.parse(text);
  const large = doc.set('OtherConfigurations', 'Big', 'x'.repeat(100_000), { encrypted: false }).toString();
  const value = encryptSetting('OsRuntime#Password-2024', key);
  const body = value.slice(3);
  return [
    compare(
      'hsconf parse (2.8 kB file): HsConf.parse vs bare saxes parse',
      3_000,
      'parses/s',
      () => new SaxesParser().write(text).close(),
      () => HsConf.parse(text),
    ),
    compare(
      'hsconf parse (100 kB value): HsConf.parse vs bare saxes parse',
      300,
      'parses/s',
      () => new SaxesParser().write(large).close(),
      () => HsConf.parse(large),
    ),
    compare(
      'hsconf edit one password and serialise vs parse alone',
      2_000,
      'edits/s',
      () => HsConf.parse(text),
      () =>
        setHsconfSecret(HsConf.parse(text), 'PlatformDatabaseConfiguration', 'AdminPassword', 'N3w-Adm1n!', {
          privateKey: key,
        }).toBuffer(),
    ),
    compare(
      '$2$ decrypt: decryptSetting vs bare AES-128-CBC decipher',
      20_000,
      'values/s',
      () => {
        const decipher = createDecipheriv('aes-128-cbc', key, Buffer.from(body.slice(0, 24), 'base64'));
        return Buffer.concat([
          decipher.update(Buffer.from(body.slice(24), 'base64')),
          decipher.final(),
        ]).toString('utf8');
      },
      () => decryptSetting(value, key),
    ),
  ];
}
