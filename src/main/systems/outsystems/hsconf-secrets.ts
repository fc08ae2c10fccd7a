/** Reading and writing the secret values of server.hsconf (passwords) with private.key. */
import { HsConf, HsConfError } from './hsconf.js';
import { isSecretEntry } from './hsconf-preview.js';
import { decryptSetting, encryptSetting, SettingsCryptoError, storedValueKind } from './settings-crypto.js';

export type SecretReadStatus =
  'missing' | 'plaintext' | 'decrypted' | 'no-key' | 'builtin-key' | 'wrong-key' | 'malformed';

export interface SecretRead {
  status: SecretReadStatus;
  /** Present for 'plaintext' and 'decrypted'. A secret: register it with the run's Redactor. */
  value?: string;
  /** Why there is no value, naming the fix. */
  message?: string;
}

/** Reads `<section><key>`: plaintext as is, `$2$` decrypted with `privateKey`; every other case explained. */
export function readHsconfSecret(
  doc: HsConf,
  section: string,
  key: string,
  privateKey: Buffer | undefined,
): SecretRead {
  const field = `${section}/${key}`;
  const entry = doc.get(section, key);
  if (!entry || entry.value === '')
    return { status: 'missing', message: `${field} is not set in server.hsconf.` };
  const kind = storedValueKind(entry.value, entry.encrypted);
  if (kind === 'plaintext') return { status: 'plaintext', value: entry.value };
  if (kind !== 'private-key') {
    return {
      status: 'builtin-key',
      message: `${field} was encrypted with the platform's built-in key (an older format), not with private.key. Enter its current value instead.`,
    };
  }
  if (!privateKey) {
    return {
      status: 'no-key',
      message: `${field} is encrypted and private.key could not be read. Fix private.key, or enter the current value.`,
    };
  }
  try {
    return { status: 'decrypted', value: decryptSetting(entry.value, privateKey, field) };
  } catch (error) {
    if (error instanceof SettingsCryptoError) {
      return {
        status:
          error.reason === 'wrong-key'
            ? 'wrong-key'
            : error.reason === 'malformed'
              ? 'malformed'
              : 'builtin-key',
        message: error.message,
      };
    }
    throw error;
  }
}

/** Like readHsconfSecret, but anything other than a value is an HsConfError carrying the explanation. */
export function requireHsconfSecret(
  doc: HsConf,
  section: string,
  key: string,
  privateKey: Buffer | undefined,
): string {
  const read = readHsconfSecret(doc, section, key, privateKey);
  if (read.value === undefined) throw new HsConfError(read.message ?? `${section}/${key} cannot be read.`);
  return read.value;
}

/**
 * Sets a secret: encrypted as `$2$` with `privateKey` when given, else plaintext for the
 * Configuration Tool to encrypt on Apply. `iv` is for deterministic tests only.
 */
export function setHsconfSecret(
  doc: HsConf,
  section: string,
  key: string,
  plaintext: string,
  options: { privateKey?: Buffer; iv?: Buffer } = {},
): HsConf {
  if (!options.privateKey) return doc.set(section, key, plaintext, { encrypted: false });
  return doc.set(section, key, encryptSetting(plaintext, options.privateKey, options.iv), {
    encrypted: true,
  });
}

/** Every secret server.hsconf holds that can be read (plaintext, or decrypted with privateKey): what a run must mask. */
export function readableHsconfSecrets(doc: HsConf, privateKey: Buffer | undefined): string[] {
  return doc
    .entries()
    .filter(isSecretEntry)
    .map((entry) => readHsconfSecret(doc, entry.section, entry.key, privateKey).value)
    .filter((value): value is string => value !== undefined && value !== '');
}
