/**
 * The farm bundle: the controller's server.hsconf (and, when asked, its private.key) in a folder
 * with a manifest, carried to each front-end and imported there with checks that it is whole,
 * unchanged and from the expected controller. The manifest lists each file's SHA-256 and carries
 * the controller's Ed25519 public key; `manifest.sig` signs the manifest's exact bytes. Whoever can
 * write the folder can re-sign it with a key of their own, so the import also requires the
 * signer's fingerprint, which the controller's run shows and the admin carries separately.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { backupFileBeside } from '../../platform/files/backup.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { HsConf } from './hsconf.js';
import { readHsconfSecret } from './hsconf-secrets.js';
import { parsePrivateKey } from './private-key.js';
import {
  signatureValid,
  signBytes,
  signerFingerprint,
  type SigningKey,
} from '../../platform/secrets/signing-key.js';
import { readRegularFile, UnreadableFileError } from '../../platform/files/read-regular-file.js';
import { MAX_INSTALL_FILE_BYTES } from './install-file.js';

export const FARM_BUNDLE_FORMAT = 'breakglass.outsystems.farm-bundle/2';
export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'manifest.sig';
const HSCONF = 'server.hsconf';
const PRIVATE_KEY = 'private.key';

const ManifestFile = z.object({
  name: z.enum([HSCONF, PRIVATE_KEY]),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  secret: z.boolean(),
});

export const FarmBundleManifest = z.object({
  format: z.literal(FARM_BUNDLE_FORMAT),
  controllerHost: z.string().min(1),
  createdAt: z.string(),
  platformVersion: z.string().optional(),
  warning: z.string().optional(),
  files: z.array(ManifestFile).min(1),
  signer: z.object({ publicKey: z.base64(), fingerprint: z.string() }),
});
export type FarmBundleManifest = z.infer<typeof FarmBundleManifest>;

export class FarmBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FarmBundleError';
  }
}

export interface ExportFarmBundleOptions {
  installDir: string;
  /** A new or empty folder (e.g. on a USB stick or a share). */
  bundleDir: string;
  includePrivateKey: boolean;
  /** The controller's signing key (loadOrCreateSigningKey). */
  signingKey: SigningKey;
  controllerHost?: string;
  platformVersion?: string;
  now?: Date;
}

export async function exportFarmBundle(options: ExportFarmBundleOptions): Promise<FarmBundleManifest> {
  await prepareEmptyFolder(options.bundleDir);
  const files: FarmBundleManifest['files'] = [];
  const hsconf = await readFileIn(path.join(options.installDir, HSCONF));
  HsConf.parse(hsconf, path.join(options.installDir, HSCONF));
  // server.hsconf holds the database passwords (encrypted, or plain text before an Apply): owner-only too.
  await writeFileAtomic(path.join(options.bundleDir, HSCONF), hsconf, { mode: 0o600 });
  files.push({ name: HSCONF, sha256: sha256(hsconf), bytes: hsconf.length, secret: true });
  if (options.includePrivateKey) {
    const key = await readFileIn(path.join(options.installDir, PRIVATE_KEY));
    parsePrivateKey(key, path.join(options.installDir, PRIVATE_KEY));
    await writeFileAtomic(path.join(options.bundleDir, PRIVATE_KEY), key, { mode: 0o600 });
    files.push({ name: PRIVATE_KEY, sha256: sha256(key), bytes: key.length, secret: true });
  }
  const manifest: FarmBundleManifest = {
    format: FARM_BUNDLE_FORMAT,
    controllerHost: options.controllerHost ?? os.hostname(),
    createdAt: (options.now ?? new Date()).toISOString(),
    ...(options.platformVersion ? { platformVersion: options.platformVersion } : {}),
    ...(options.includePrivateKey
      ? {
          warning:
            'SECRET: this bundle holds private.key, which decrypts every password in server.hsconf. Carry it safely and delete it after import.',
        }
      : {}),
    files,
    signer: {
      publicKey: options.signingKey.publicKey.toString('base64'),
      fingerprint: options.signingKey.fingerprint,
    },
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  await writeFileAtomic(path.join(options.bundleDir, MANIFEST_NAME), manifestBytes, { mode: 0o600 });
  await writeFileAtomic(
    path.join(options.bundleDir, SIGNATURE_NAME),
    `${signBytes(options.signingKey, manifestBytes).toString('base64')}\n`,
    { mode: 0o600 },
  );
  return manifest;
}

export interface VerifiedFarmBundle {
  manifest: FarmBundleManifest;
  hsconf: Buffer;
  privateKey?: Buffer;
}

/** Checks the bundle without writing anything: signature and signer, hashes, and that its passwords decrypt with the key that will be in use. */
export async function verifyFarmBundle(
  bundleDir: string,
  expectedSigner: string,
  installDir: string,
): Promise<VerifiedFarmBundle> {
  const manifest = await readSignedManifest(bundleDir);
  if (manifest.signer.fingerprint !== expectedSigner.trim()) {
    throw new FarmBundleError(
      `This bundle was signed by ${manifest.signer.fingerprint} (exported on "${manifest.controllerHost}"), not by the expected controller ${expectedSigner.trim()}. Use the bundle and fingerprint from the same controller run.`,
    );
  }
  const contents = new Map<string, Buffer>();
  for (const file of manifest.files) {
    let bytes: Buffer;
    try {
      bytes = await readFileIn(path.join(bundleDir, file.name));
    } catch (error) {
      if (error instanceof FarmBundleError) throw error;
      throw new FarmBundleError(
        `The bundle is incomplete: ${file.name} is listed in ${MANIFEST_NAME} but missing. Copy the whole folder again.`,
      );
    }
    if (bytes.length !== file.bytes || sha256(bytes) !== file.sha256) {
      throw new FarmBundleError(
        `${file.name} in the bundle does not match ${MANIFEST_NAME} (changed or damaged after export). Export the bundle again on the controller.`,
      );
    }
    contents.set(file.name, bytes);
  }
  const hsconf = contents.get(HSCONF);
  if (!hsconf)
    throw new FarmBundleError(`The bundle has no ${HSCONF}. Export it again on the deployment controller.`);
  const doc = HsConf.parse(hsconf, `${HSCONF} in the bundle`);
  const privateKey = contents.get(PRIVATE_KEY);
  const keyBytes = privateKey ?? (await readLocalKey(installDir));
  const key = parsePrivateKey(
    keyBytes,
    privateKey ? `${PRIVATE_KEY} in the bundle` : path.join(installDir, PRIVATE_KEY),
  ).key;
  for (const entry of doc
    .entries()
    .filter((candidate) => candidate.encrypted && candidate.value.startsWith('$2$'))) {
    const read = readHsconfSecret(doc, entry.section, entry.key, key);
    if (read.status === 'wrong-key' || read.status === 'malformed') {
      throw new FarmBundleError(
        `${entry.section}/${entry.key} in the bundle does not decrypt with ${privateKey ? "the bundle's" : "this server's"} private.key: ` +
          "this front-end needs the controller's private.key. Export the bundle again with private.key included.",
      );
    }
  }
  return { manifest, hsconf, ...(privateKey ? { privateKey } : {}) };
}

export interface ImportedFarmBundle {
  manifest: FarmBundleManifest;
  written: string[];
  backups: string[];
}

/** Verifies the bundle, backs up this server's files, then writes the bundle's files atomically. */
export async function importFarmBundle(options: {
  bundleDir: string;
  installDir: string;
  /** The signer fingerprint the controller's run showed. */
  expectedSigner: string;
}): Promise<ImportedFarmBundle> {
  const bundle = await verifyFarmBundle(options.bundleDir, options.expectedSigner, options.installDir);
  const written: string[] = [];
  const backups: string[] = [];
  const files: Array<[string, Buffer | undefined, number | undefined]> = [
    [HSCONF, bundle.hsconf, undefined],
    [PRIVATE_KEY, bundle.privateKey, 0o600],
  ];
  for (const [name, bytes, newFileMode] of files) {
    if (!bytes) continue;
    const target = path.join(options.installDir, name);
    const current = await readFileIn(target).catch((error: unknown) => {
      if (error instanceof FarmBundleError) throw error;
      return undefined;
    });
    if (current?.equals(bytes)) continue;
    if (current) backups.push(await backupFileBeside(target));
    await writeFileAtomic(target, bytes, current ? {} : { mode: newFileMode });
    written.push(target);
  }
  return { manifest: bundle.manifest, written, backups };
}

async function prepareEmptyFolder(folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  const entries = await fs.readdir(folder);
  if (entries.length > 0) {
    throw new FarmBundleError(
      `${folder} is not empty. Choose a new, empty folder for the bundle so no older file is mixed in.`,
    );
  }
}

async function readSignedManifest(bundleDir: string): Promise<FarmBundleManifest> {
  let bytes: Buffer;
  try {
    bytes = await readFileIn(path.join(bundleDir, MANIFEST_NAME));
  } catch (error) {
    if (error instanceof FarmBundleError) throw error;
    throw new FarmBundleError(
      `${bundleDir} has no ${MANIFEST_NAME}: it is not a Breakglass farm bundle, or it was copied incompletely.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new FarmBundleError(
      `${MANIFEST_NAME} in ${bundleDir} is not valid JSON (damaged). Export the bundle again.`,
    );
  }
  const result = FarmBundleManifest.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FarmBundleError(
      `${MANIFEST_NAME} in ${bundleDir} is not a farm bundle manifest (${issue ? `${issue.path.join('.') || 'format'}: ${issue.message}` : 'invalid'}). Export the bundle again.`,
    );
  }
  const manifest = result.data;
  const publicKey = Buffer.from(manifest.signer.publicKey, 'base64');
  const signature = await readFileIn(path.join(bundleDir, SIGNATURE_NAME)).then(
    (read) => read.toString('utf8'),
    (error: unknown) => {
      if (error instanceof FarmBundleError) throw error;
      return undefined;
    },
  );
  if (signature === undefined) {
    throw new FarmBundleError(
      `The bundle has no ${SIGNATURE_NAME}: it was copied incompletely. Copy the whole folder again.`,
    );
  }
  if (
    signerFingerprint(publicKey) !== manifest.signer.fingerprint ||
    !signatureValid(publicKey, bytes, Buffer.from(signature.trim(), 'base64'))
  ) {
    throw new FarmBundleError(
      `${MANIFEST_NAME} does not match its signature (changed or damaged after export). Export the bundle again on the controller.`,
    );
  }
  return manifest;
}

async function readLocalKey(installDir: string): Promise<Buffer> {
  try {
    return await readFileIn(path.join(installDir, PRIVATE_KEY));
  } catch (error) {
    if (error instanceof FarmBundleError) throw error;
    throw new FarmBundleError(
      `The bundle has no private.key and this server has none at ${path.join(installDir, PRIVATE_KEY)}. Export the bundle again with private.key included.`,
    );
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A file of the bundle or the install: a regular file of at most 1 MiB. A missing one is the
 * caller's to explain (its `UnreadableFileError` passes through); a link to a device, a FIFO, a
 * folder or a huge file in its place is a FarmBundleError at once.
 */
async function readFileIn(filePath: string): Promise<Buffer> {
  try {
    return (await readRegularFile(filePath, MAX_INSTALL_FILE_BYTES)).bytes;
  } catch (error) {
    if (error instanceof UnreadableFileError && error.reason !== 'missing')
      throw new FarmBundleError(
        `${error.message} Copy the file again (the real file, not a link to a device).`,
      );
    throw error;
  }
}
