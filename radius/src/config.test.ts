import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RadiusConfigError, loadRadiusConfig } from './config.js';
import { loadOrCreateGeneratedCertificate } from './eap/server-certificate.js';

const dir = mkdtempSync(join(tmpdir(), 'lanyard-radius-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cert = loadOrCreateGeneratedCertificate(join(dir, 'gen'), 'radius.example.test');
writeFileSync(join(dir, 'cert.pem'), cert.certChainPem);
writeFileSync(join(dir, 'key.pem'), cert.keyPem);

const BASE = {
  DATABASE_URL: 'postgres://localhost/x',
  LANYARD_SECRET_KEY: 'ab'.repeat(32),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadRadiusConfig({ ...BASE, ...env }, '/srv/lanyard');
    return [];
  } catch (err) {
    assert.ok(err instanceof RadiusConfigError);
    return err.problems;
  }
}

describe('RADIUS config: EAP', () => {
  it('defaults: generated certificate under the data dir, 1024-byte fragments', () => {
    const c = loadRadiusConfig(BASE, '/srv/lanyard');
    assert.equal(c.dataDir, '/srv/lanyard/.lanyard');
    assert.deepEqual(c.eap, {
      certificate: null,
      serverName: 'radius.lanyard.local',
      fragmentSize: 1024,
      maxSessions: 1000,
      idleSeconds: 60,
    });
  });

  it('server name from RADIUS_EAP_SERVER_NAME, else PUBLIC_URL', () => {
    assert.equal(
      loadRadiusConfig({ ...BASE, PUBLIC_URL: 'https://wifi.example.com' }).eap.serverName,
      'wifi.example.com',
    );
    assert.equal(
      loadRadiusConfig({ ...BASE, PUBLIC_URL: 'http://localhost:4000' }).eap.serverName,
      'radius.lanyard.local',
    );
    assert.equal(
      loadRadiusConfig({
        ...BASE,
        PUBLIC_URL: 'https://x.example.com',
        RADIUS_EAP_SERVER_NAME: 'r.example.com',
      }).eap.serverName,
      'r.example.com',
    );
  });

  it('accepts matching certificate files', () => {
    const c = loadRadiusConfig({
      ...BASE,
      RADIUS_EAP_CERT_FILE: join(dir, 'cert.pem'),
      RADIUS_EAP_KEY_FILE: join(dir, 'key.pem'),
    });
    assert.deepEqual(c.eap.certificate, {
      certFile: join(dir, 'cert.pem'),
      keyFile: join(dir, 'key.pem'),
      chainFile: null,
    });
  });

  const rows: Array<[string, Record<string, string>, RegExp]> = [
    ['certificate without key', { RADIUS_EAP_CERT_FILE: join(dir, 'cert.pem') }, /go together/],
    ['chain alone', { RADIUS_EAP_CHAIN_FILE: join(dir, 'cert.pem') }, /go together/],
    [
      'unreadable key',
      { RADIUS_EAP_CERT_FILE: join(dir, 'cert.pem'), RADIUS_EAP_KEY_FILE: join(dir, 'no.pem') },
      /RADIUS_EAP_KEY_FILE .*ENOENT/,
    ],
    [
      'swapped files',
      { RADIUS_EAP_CERT_FILE: join(dir, 'key.pem'), RADIUS_EAP_KEY_FILE: join(dir, 'cert.pem') },
      /RADIUS_EAP_KEY_FILE does not hold/,
    ],
    [
      'server name with a space',
      { RADIUS_EAP_SERVER_NAME: 'radius server' },
      /RADIUS_EAP_SERVER_NAME must be a DNS name/,
    ],
    [
      'fragment size below 256',
      { RADIUS_EAP_FRAGMENT_SIZE: '100' },
      /RADIUS_EAP_FRAGMENT_SIZE must be an integer between 256 and 3000/,
    ],
    ['session cap 0', { RADIUS_EAP_MAX_SESSIONS: '0' }, /RADIUS_EAP_MAX_SESSIONS/],
  ];
  for (const [name, env, problem] of rows) {
    it(`reports: ${name}`, () => {
      const found = problems(env);
      assert.ok(
        found.some((p) => problem.test(p)),
        found.join('; '),
      );
    });
  }
});
