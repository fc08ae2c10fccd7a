/**
 * The checks a front-end makes on the controller's farm bundle before anything changes: whole,
 * signed by the expected controller and decrypting with the key in use (verifyFarmBundle); the
 * bundle's private.key, when it carries one, the same key as this server's (a farm shares one); and
 * the `OutgoingIPAddress` this server will have, automatic or one of this machine's addresses.
 * The result is the server.hsconf to write: the bundle's bytes, with only this server's IP put back.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { FarmBundleError, verifyFarmBundle, type FarmBundleManifest } from './farm-bundle.js';
import { HsConf } from './hsconf.js';
import { parsePrivateKey } from './private-key.js';

const NETWORK = 'NetworkConfiguration';
const OUTGOING_IP = 'OutgoingIPAddress';

export interface FrontEndBundleCheck {
  manifest: FarmBundleManifest;
  /** The server.hsconf to write on this front-end. */
  hsconf: Buffer;
  /** '' means automatic. */
  outgoingIp: string;
}

export interface FrontEndBundleCheckOptions {
  bundleDir: string;
  expectedSigner: string;
  installDir: string;
  /** This machine's IPv4 addresses (its HostAccess's addresses(), or the sandbox's simulated machine). */
  machineAddresses: string[];
  /** The Local IP the admin chose; by default this server keeps the one it has. */
  localIp?: string;
}

export async function checkFrontEndBundle(options: FrontEndBundleCheckOptions): Promise<FrontEndBundleCheck> {
  const bundle = await verifyFarmBundle(options.bundleDir, options.expectedSigner, options.installDir);
  const keyFile = path.join(options.installDir, 'private.key');
  if (bundle.privateKey) {
    const local = parsePrivateKey(await fs.readFile(keyFile), keyFile).key;
    if (!parsePrivateKey(bundle.privateKey, 'private.key in the bundle').key.equals(local)) {
      throw new FarmBundleError(
        `The bundle's private.key is not this server's (${keyFile}): every server of a farm shares the controller's key. ` +
          'Check that this front-end belongs to the controller that exported the bundle; nothing was changed.',
      );
    }
  }
  const current = HsConf.parse(await fs.readFile(path.join(options.installDir, 'server.hsconf')));
  const incoming = HsConf.parse(bundle.hsconf, 'server.hsconf in the bundle');
  const outgoingIp = (
    options.localIp ??
    current.get(NETWORK, OUTGOING_IP)?.value ??
    incoming.get(NETWORK, OUTGOING_IP)?.value ??
    ''
  ).trim();
  if (outgoingIp !== '' && !options.machineAddresses.includes(outgoingIp)) {
    throw new FarmBundleError(
      `The Local IP ${outgoingIp} is not an address of this machine. Choose automatic (empty) or one of: ` +
        `${options.machineAddresses.join(', ') || '(no IPv4 address found)'}; nothing was changed.`,
    );
  }
  const hsconf =
    (incoming.get(NETWORK, OUTGOING_IP)?.value ?? '') === outgoingIp
      ? bundle.hsconf
      : incoming.set(NETWORK, OUTGOING_IP, outgoingIp, { encrypted: false }).toBuffer();
  return { manifest: bundle.manifest, hsconf, outgoingIp };
}
