import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateGeneratedCertificate, readConfiguredCertificate } from './server-certificate.js';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'lanyard-eap-cert-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const NOW = new Date('2026-01-10T12:00:00Z');
const DAY = 86_400_000;

describe('generated EAP certificate', () => {
  const dataDir = scratch();
  const first = loadOrCreateGeneratedCertificate(dataDir, 'radius.example.test', NOW);

  it('creates a CA and a server certificate it signs, files 0600 in a 0700 directory', () => {
    const dir = join(dataDir, 'eap');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(dir).sort(), ['ca.key', 'ca.pem', 'server.pem']);
    for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    const ca = new X509Certificate(first.caPem!);
    const leaf = new X509Certificate(first.certChainPem);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.equal(ca.verify(ca.publicKey), true, 'CA self-signed');
    assert.equal(leaf.verify(ca.publicKey), true, 'server signed by the CA');
    assert.equal(leaf.checkIssued(ca), true);
    assert.equal(leaf.checkPrivateKey(createPrivateKey(first.keyPem)), true);
    assert.equal(leaf.checkHost('radius.example.test'), 'radius.example.test');
    assert.equal(leaf.subjectAltName, 'DNS:radius.example.test');
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extended key usage serverAuth');
    assert.equal(leaf.publicKey.asymmetricKeyType, 'rsa');
    assert.equal(leaf.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(leaf.fingerprint256, first.fingerprint256);
    assert.equal(ca.fingerprint256, first.caFingerprint256);
    // Valid now, well under Apple's 825-day limit, with a day of slack for skewed clocks.
    assert.ok(new Date(leaf.validFrom).getTime() <= NOW.getTime() - DAY + 1000);
    assert.ok(new Date(leaf.validTo).getTime() - NOW.getTime() <= 825 * DAY);
    assert.ok(new Date(ca.validTo).getTime() - NOW.getTime() >= 10 * 365 * DAY);
  });

  it('is reused on the next start', () => {
    const again = loadOrCreateGeneratedCertificate(dataDir, 'ignored.example.test', NOW);
    assert.equal(again.fingerprint256, first.fingerprint256);
    assert.equal(again.caFingerprint256, first.caFingerprint256);
    assert.equal(again.source, 'generated');
  });

  it('reissues the server certificate from the same CA when it nears expiry', () => {
    const later = new Date(first.notAfter.getTime() - 10 * DAY);
    const renewed = loadOrCreateGeneratedCertificate(dataDir, 'radius.example.test', later);
    assert.notEqual(renewed.fingerprint256, first.fingerprint256);
    assert.equal(renewed.caFingerprint256, first.caFingerprint256);
    const leaf = new X509Certificate(renewed.certChainPem);
    assert.equal(leaf.verify(new X509Certificate(first.caPem!).publicKey), true);
    assert.ok(renewed.notAfter.getTime() > first.notAfter.getTime());
  });
});

describe('configured EAP certificate', () => {
  // The generator's own output stands in for an operator's files.
  const source = loadOrCreateGeneratedCertificate(scratch(), 'radius.example.test', NOW);
  const other = loadOrCreateGeneratedCertificate(scratch(), 'other.example.test', NOW);
  const dir = scratch();
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const certFile = file('cert.pem', source.certChainPem);
  const keyFile = file('key.pem', source.keyPem);
  const chainFile = file('chain.pem', source.caPem!);

  it('reads a matching certificate, key and chain', () => {
    const r = readConfiguredCertificate({ certFile, keyFile, chainFile }, NOW);
    assert.ok('certificate' in r, JSON.stringify(r));
    assert.equal(r.certificate.fingerprint256, source.fingerprint256);
    assert.equal(r.certificate.source, 'configured');
    assert.equal(r.certificate.caPem, null);
    assert.equal((r.certificate.certChainPem.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
    assert.equal(r.certificate.keyPem, readFileSync(keyFile, 'utf8'));
  });

  const rows: Array<{
    name: string;
    files: Parameters<typeof readConfiguredCertificate>[0];
    now?: Date;
    problem: RegExp;
  }> = [
    {
      name: 'missing key file',
      files: { certFile, keyFile: join(dir, 'nope.pem'), chainFile: null },
      problem: /^RADIUS_EAP_KEY_FILE .*ENOENT/,
    },
    {
      name: 'missing chain file',
      files: { certFile, keyFile, chainFile: join(dir, 'nope.pem') },
      problem: /^RADIUS_EAP_CHAIN_FILE .*ENOENT/,
    },
    {
      name: 'key of another certificate',
      files: { certFile, keyFile: file('other.key', other.keyPem), chainFile: null },
      problem: /^RADIUS_EAP_KEY_FILE is not the key/,
    },
    {
      name: 'not a key',
      files: { certFile, keyFile: certFile, chainFile: null },
      problem: /^RADIUS_EAP_KEY_FILE does not hold/,
    },
    {
      name: 'no certificate',
      files: { certFile: keyFile, keyFile, chainFile: null },
      problem: /^RADIUS_EAP_CERT_FILE holds no PEM certificate/,
    },
    {
      name: 'expired',
      files: { certFile, keyFile, chainFile: null },
      now: new Date(NOW.getTime() + 900 * DAY),
      problem: /^RADIUS_EAP_CERT_FILE expired/,
    },
  ];
  for (const row of rows) {
    it(`reports: ${row.name}`, () => {
      const r = readConfiguredCertificate(row.files, row.now ?? NOW);
      assert.ok('problems' in r);
      assert.ok(
        r.problems.some((p) => row.problem.test(p)),
        r.problems.join('; '),
      );
    });
  }
});
