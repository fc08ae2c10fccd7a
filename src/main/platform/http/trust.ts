import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import { readRegularFileSync, UnreadableFileError } from '../files/read-regular-file.js';
import { HttpError } from './errors.js';
import type { HttpTls } from './types.js';

/** Where Linux distributions keep the system trust store as one PEM bundle. */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

type CaReader = (type: 'default' | 'system') => string[];

let systemCas: string[] | undefined;

/**
 * The system trust store: Node's own list plus the OS store (`tls.getCACertificates('system')`
 * where Node has it, i.e. Electron's; else the distribution's PEM bundle), so an internal CA the
 * admin installed on the machine is trusted as the browser trusts it.
 */
export function systemTrustStore(): string[] {
  if (systemCas) return systemCas;
  const reader = (tls as unknown as { getCACertificates?: CaReader }).getCACertificates;
  if (reader) {
    systemCas = [...reader('default'), ...reader('system')];
    return systemCas;
  }
  const bundle = SYSTEM_BUNDLES.find((file) => fs.existsSync(file));
  systemCas = [...tls.rootCertificates, ...(bundle ? [fs.readFileSync(bundle, 'utf8')] : [])];
  return systemCas;
}

/** A CA bundle is a few hundred KiB at most (the distributions' full bundles are about 200 KiB). */
const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

/** The CA certificates of `ca-file` mode (a regular file, read bounded), checked to be PEM certificates so a wrong file is a clear error. */
export function readCaFile(caFile: string): string {
  let pem: string;
  try {
    pem = readRegularFileSync(caFile, MAX_CA_FILE_BYTES).bytes.toString('utf8');
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    const why =
      error.reason === 'missing'
        ? 'cannot be read (ENOENT)'
        : error.reason === 'denied'
          ? 'cannot be read (permission denied)'
          : `cannot be used: ${error.message}`;
    throw new HttpError(`The CA file ${caFile} ${why}`, 'tls');
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new HttpError(`The CA file ${caFile} holds no PEM certificate.`, 'tls');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new HttpError(`The CA file ${caFile} holds a certificate that cannot be parsed.`, 'tls');
    }
  }
  return blocks.join('\n');
}

/** Normalises a SHA-256 fingerprint (hex, any case, colons or spaces optional); throws on anything else. */
export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new HttpError(
      'A pinned certificate fingerprint is the SHA-256 of the certificate: 64 hex digits, colons optional ' +
        '(openssl x509 -noout -fingerprint -sha256 -in cert.pem).',
      'tls',
    );
  return hex;
}

/** SHA-256 over the certificate's DER bytes, lower-case hex. */
export function certificateFingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

const contexts = new Map<string, tls.SecureContext>();

/**
 * The TLS context a connection in this mode verifies against: the trust store (plus the CA file),
 * built once per store and file content since parsing a few hundred CAs takes a while. Pinned and
 * insecure modes verify no chain (undefined).
 */
export function secureContextFor(mode: HttpTls): tls.SecureContext | undefined {
  if (mode.mode === 'pinned' || mode.mode === 'insecure') return undefined;
  const extra = mode.mode === 'ca-file' ? readCaFile(mode.caFile) : '';
  const key = createHash('sha256').update(extra).digest('hex');
  let context = contexts.get(key);
  if (!context) {
    context = tls.createSecureContext({ ca: extra ? [...systemTrustStore(), extra] : systemTrustStore() });
    contexts.set(key, context);
  }
  return context;
}

/**
 * Decides whether a finished handshake may carry the request: the chain and name were verified
 * (system/CA file), the leaf matches the pin, or verification is off by explicit choice.
 */
export function checkPeer(socket: tls.TLSSocket, mode: HttpTls, host: string): void {
  if (mode.mode === 'insecure') return;
  if (mode.mode === 'pinned') {
    const leaf = socket.getPeerCertificate();
    const actual = leaf?.raw ? certificateFingerprint(leaf.raw) : '(none)';
    if (actual !== normalizeFingerprint(mode.sha256))
      throw new HttpError(
        `The certificate of ${host} does not match the pinned fingerprint (it has SHA-256 ${actual}). ` +
          'Check you reach the right server, or pin its current certificate.',
        'tls',
      );
    return;
  }
  if (!socket.authorized) {
    const reason = String(socket.authorizationError ?? 'not verified');
    const where =
      mode.mode === 'ca-file' ? 'the system trust store or the CA file' : 'the system trust store';
    throw new HttpError(
      `The certificate of ${host} is not trusted (${reason}): it is not signed by a CA in ${where}, or it names another host. ` +
        'Give the CA file of your internal CA, or pin the server certificate’s SHA-256 fingerprint.',
      'tls',
    );
  }
}
