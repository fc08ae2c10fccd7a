import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCerts {
  dir: string;
  /** An internal CA (PEM file) and a server certificate it signed for localhost / 127.0.0.1. */
  caFile: string;
  signedKey: string;
  signedCert: string;
  /** A server certificate the same CA signed for another host only (other.example). */
  otherNameKey: string;
  otherNameCert: string;
  /** A self-signed server certificate for 127.0.0.1 (no CA) and its SHA-256 fingerprint as openssl prints it. */
  selfKey: string;
  selfCert: string;
  selfFingerprint: string;
  remove(): void;
}

/** Generates the certificates with the machine's openssl into a temporary folder. */
export function makeTestCerts(): TestCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-certs-'));
  const file = (name: string) => path.join(dir, name);
  const read = (name: string) => fs.readFileSync(file(name), 'utf8');
  // Arguments as one line each, split on spaces (no argument here contains one).
  const openssl = (line: string) => execFileSync('openssl', line.split(' '), { cwd: dir, stdio: 'pipe' });
  const newKey = '-newkey rsa:2048 -nodes';
  openssl(
    `req -x509 ${newKey} -days 2 -subj /CN=BreakglassTestCA -keyout ca.key -out ca.pem ` +
      '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign',
  );
  const signByCa = (name: string, subjectAltName: string) => {
    openssl(`req ${newKey} -subj /CN=${name} -keyout ${name}.key -out ${name}.csr`);
    fs.writeFileSync(file(`${name}.ext`), `subjectAltName=${subjectAltName}\nextendedKeyUsage=serverAuth\n`);
    openssl(
      `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ${name}.ext -out ${name}.pem`,
    );
  };
  signByCa('localhost', 'DNS:localhost,IP:127.0.0.1');
  signByCa('other.example', 'DNS:other.example');
  openssl(
    `req -x509 ${newKey} -days 2 -subj /CN=127.0.0.1 -keyout self.key -out self.pem ` +
      '-addext subjectAltName=DNS:localhost,IP:127.0.0.1',
  );
  const printed = openssl('x509 -noout -fingerprint -sha256 -in self.pem').toString();
  const selfFingerprint = printed.trim().split('=').pop() ?? '';
  // The fingerprint openssl prints is the one node:crypto computes over the same DER.
  if (new X509Certificate(read('self.pem')).fingerprint256 !== selfFingerprint)
    throw new Error('openssl and node:crypto disagree on the test certificate fingerprint');
  return {
    dir,
    caFile: file('ca.pem'),
    signedKey: read('localhost.key'),
    signedCert: read('localhost.pem'),
    otherNameKey: read('other.example.key'),
    otherNameCert: read('other.example.pem'),
    selfKey: read('self.key'),
    selfCert: read('self.pem'),
    selfFingerprint,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
