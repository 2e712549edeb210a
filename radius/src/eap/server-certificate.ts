/**
 * The EAP server's TLS certificate (PEAP and TTLS): the operator's files when configured
 * (RADIUS_EAP_CERT_FILE / RADIUS_EAP_KEY_FILE / RADIUS_EAP_CHAIN_FILE), otherwise a private CA
 * and a server certificate generated once under `<data dir>/eap/` and reused. Devices verify the
 * server against the CA, so operators hand `eap/ca.pem` to members' devices (docs/eap.md).
 */
import {
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCertificate, toPem } from './x509-builder.js';

export interface EapCertificate {
  /** Server certificate followed by any intermediates (PEM). */
  certChainPem: string;
  keyPem: string;
  /** The CA members' devices trust (generated CA, or null for the operator's own). */
  caPem: string | null;
  /** SHA-256 fingerprint of the server certificate, for logs ("AB:CD:…"). */
  fingerprint256: string;
  /** SHA-256 fingerprint of the CA when generated. */
  caFingerprint256: string | null;
  notAfter: Date;
  source: 'configured' | 'generated';
}

export interface EapCertificateFiles {
  certFile: string;
  keyFile: string;
  chainFile: string | null;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificatesIn(pem: string): X509Certificate[] {
  return (pem.match(PEM_CERT) ?? []).map((block) => new X509Certificate(block));
}

/**
 * Reads and checks the operator's files: readable, one private key, a certificate that matches it
 * and is valid now. Returns the material or the problems found (for the config's problem list).
 */
export function readConfiguredCertificate(
  files: EapCertificateFiles,
  now = new Date(),
): { certificate: EapCertificate } | { problems: string[] } {
  const problems: string[] = [];
  const read = (label: string, path: string): string | null => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      problems.push(`${label} (${path}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      return null;
    }
  };
  const certPem = read('RADIUS_EAP_CERT_FILE', files.certFile);
  const keyPem = read('RADIUS_EAP_KEY_FILE', files.keyFile);
  const chainPem = files.chainFile ? read('RADIUS_EAP_CHAIN_FILE', files.chainFile) : '';
  if (certPem === null || keyPem === null || chainPem === null) return { problems };
  let key: KeyObject | null = null;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    problems.push('RADIUS_EAP_KEY_FILE does not hold a readable, unencrypted PEM private key');
  }
  let certs: X509Certificate[] = [];
  try {
    certs = [...certificatesIn(certPem), ...certificatesIn(chainPem)];
  } catch {
    problems.push('RADIUS_EAP_CERT_FILE / RADIUS_EAP_CHAIN_FILE hold a certificate that cannot be parsed');
  }
  const leaf = certs[0];
  if (!leaf && problems.length === 0) problems.push('RADIUS_EAP_CERT_FILE holds no PEM certificate');
  if (leaf && key) {
    if (!leaf.checkPrivateKey(key))
      problems.push('RADIUS_EAP_KEY_FILE is not the key of RADIUS_EAP_CERT_FILE');
    if (new Date(leaf.validTo) <= now) problems.push(`RADIUS_EAP_CERT_FILE expired on ${leaf.validTo}`);
    if (new Date(leaf.validFrom) > now)
      problems.push(`RADIUS_EAP_CERT_FILE is not valid before ${leaf.validFrom}`);
  }
  if (problems.length || !leaf) return { problems };
  return {
    certificate: {
      certChainPem: certs.map((c) => c.toString()).join(''),
      keyPem,
      caPem: null,
      fingerprint256: leaf.fingerprint256,
      caFingerprint256: null,
      notAfter: new Date(leaf.validTo),
      source: 'configured',
    },
  };
}

const DAY = 86_400_000;
/** Server certificates stay under Apple's 825-day limit for TLS server certificates. */
const SERVER_VALIDITY_DAYS = 800;
const CA_VALIDITY_DAYS = 20 * 365;
/** A generated server certificate this close to expiry is reissued (same CA) at start. */
const RENEW_BEFORE_DAYS = 30;

const CA_NAME = { commonName: 'Lanyard RADIUS CA', organization: 'Lanyard' };
const CA_CERT = 'ca.pem';
const CA_KEY = 'ca.key';
/** Server key and certificate in one file, so replacing it is one atomic rename. */
const SERVER = 'server.pem';

function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function issueServer(serverName: string, ca: { key: KeyObject; cert: X509Certificate }, now: Date): string {
  const { privateKey, publicKey } = rsaKeyPair();
  const der = buildCertificate({
    subject: { commonName: serverName, organization: 'Lanyard' },
    issuer: {
      commonName: ca.cert.subject.match(/CN=([^\n]+)/)?.[1] ?? 'Lanyard RADIUS CA',
      organization: 'Lanyard',
    },
    publicKey,
    issuerPrivateKey: ca.key,
    issuerPublicKey: ca.cert.publicKey,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + SERVER_VALIDITY_DAYS * DAY),
    ca: false,
    dnsNames: [serverName],
  });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() + toPem(der);
}

function writePrivate(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** Creates `<dir>` with a new CA and server certificate, atomically (a racing process's wins). */
function createGenerated(dir: string, serverName: string, now: Date): void {
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { mode: 0o700 });
  try {
    const ca = rsaKeyPair();
    const caDer = buildCertificate({
      subject: CA_NAME,
      issuer: CA_NAME,
      publicKey: ca.publicKey,
      issuerPrivateKey: ca.privateKey,
      issuerPublicKey: ca.publicKey,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY),
      ca: true,
    });
    const caCert = new X509Certificate(caDer);
    writePrivate(join(tmp, CA_KEY), ca.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    writePrivate(join(tmp, CA_CERT), toPem(caDer));
    writePrivate(join(tmp, SERVER), issueServer(serverName, { key: ca.privateKey, cert: caCert }, now));
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another worker created it first: use theirs.
      if (!['EEXIST', 'ENOTEMPTY'].includes(errorCode(err) ?? '')) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The generated CA and server certificate under `<dataDir>/eap/`, created on first use (files
 * 0600 in a 0700 directory) and reused afterwards; the server certificate is reissued by the same
 * CA when it is within 30 days of expiry, so devices keep trusting it.
 */
export function loadOrCreateGeneratedCertificate(
  dataDir: string,
  serverName: string,
  now = new Date(),
): EapCertificate {
  const dir = join(dataDir, 'eap');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let caPem: string;
  try {
    caPem = readFileSync(join(dir, CA_CERT), 'utf8');
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
    createGenerated(dir, serverName, now);
    caPem = readFileSync(join(dir, CA_CERT), 'utf8');
  }
  const caCert = new X509Certificate(caPem);
  let serverPem = readFileSync(join(dir, SERVER), 'utf8');
  let leaf = certificatesIn(serverPem)[0]!;
  if (new Date(leaf.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY) {
    const caKey = createPrivateKey(readFileSync(join(dir, CA_KEY), 'utf8'));
    const tmp = join(dir, `${SERVER}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    writePrivate(tmp, issueServer(serverName, { key: caKey, cert: caCert }, now));
    renameSync(tmp, join(dir, SERVER));
    serverPem = readFileSync(join(dir, SERVER), 'utf8');
    leaf = certificatesIn(serverPem)[0]!;
  }
  const keyPem = createPrivateKey(serverPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    certChainPem: leaf.toString(),
    keyPem,
    caPem: caCert.toString(),
    fingerprint256: leaf.fingerprint256,
    caFingerprint256: caCert.fingerprint256,
    notAfter: new Date(leaf.validTo),
    source: 'generated',
  };
}

/** The certificate the configuration names: the operator's files, or the generated one. */
export function loadEapCertificate(
  eap: { certificate: EapCertificateFiles | null; serverName: string },
  dataDir: string,
): EapCertificate {
  if (!eap.certificate) return loadOrCreateGeneratedCertificate(dataDir, eap.serverName);
  const read = readConfiguredCertificate(eap.certificate);
  if ('problems' in read) throw new Error(`EAP certificate: ${read.problems.join('; ')}`);
  return read.certificate;
}
