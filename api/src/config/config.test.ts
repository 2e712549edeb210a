import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

const KEY = 'ab'.repeat(32);
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, '/srv/lanyard');
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
};

describe('loadConfig', () => {
  it('defaults to embedded mode on port 4000 with data under .lanyard', () => {
    const c = loadConfig({}, '/srv/lanyard');
    assert.equal(c.databaseUrl, null);
    assert.equal(c.port, 4000);
    assert.equal(c.publicUrl, 'http://localhost:4000');
    assert.equal(c.dataDir, '/srv/lanyard/.lanyard');
    assert.equal(c.radiusAuthPort, 1812);
    assert.equal(c.radiusAcctPort, 1813);
    assert.equal(c.graphql.introspection, true);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/lanyard',
      LANYARD_SECRET_KEY: KEY.toUpperCase(),
      PORT: '8080',
      PUBLIC_URL: 'https://wifi.example.com/',
      SMTP_URL: 'smtp://mail:25',
      RADIUS_AUTH_PORT: '11812',
      RADIUS_ACCT_PORT: '11813',
      LOG_LEVEL: 'DEBUG',
      NODE_ENV: 'production',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.publicUrl, 'https://wifi.example.com');
    assert.equal(c.secretKeyHex, KEY);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.graphql.introspection, false);
    assert.deepEqual([c.radiusAuthPort, c.radiusAcctPort], [11812, 11813]);
  });

  it('reports every problem at once, without echoing the secret key', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://x',
      PORT: 'eighty',
      PUBLIC_URL: 'ftp://x',
      LANYARD_SECRET_KEY: 'not-hex-secret-value',
      SMTP_URL: 'mail.example.com',
      LOG_LEVEL: 'loud',
      RADIUS_AUTH_PORT: '70000',
      GRAPHQL_INTROSPECTION: 'maybe',
    });
    assert.equal(problems.length, 8);
    for (const name of [
      'DATABASE_URL',
      'PORT',
      'PUBLIC_URL',
      'LANYARD_SECRET_KEY',
      'SMTP_URL',
      'LOG_LEVEL',
      'RADIUS_AUTH_PORT',
      'GRAPHQL_INTROSPECTION',
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(name)),
        name,
      );
    }
    assert.ok(!problems.join('\n').includes('not-hex-secret-value'));
  });

  it('requires the secret key when an external database is used', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://db/lanyard' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^LANYARD_SECRET_KEY is required/);
  });

  it('trusts X-Forwarded-For from loopback by default, or the proxies TRUST_PROXY names', () => {
    assert.deepEqual(loadConfig({}).trustProxy, ['loopback']);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ TRUST_PROXY: '0' }).trustProxy, 0);
    assert.deepEqual(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, fd00::/8 ,192.0.2.7,LinkLocal' }).trustProxy, [
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7',
      'linklocal',
    ]);
  });

  it('refuses a TRUST_PROXY it cannot read, and one that trusts every client', () => {
    for (const bad of [
      'true',
      '10.0.0.0/33',
      'proxy.internal',
      '10.0.0.0/8,,nope',
      '-1',
      '1.5',
      'fd00::/129',
    ]) {
      const problems = problemsOf({ TRUST_PROXY: bad });
      assert.equal(problems.length, 1, bad);
      assert.match(problems[0]!, /^TRUST_PROXY[ =]/, bad);
    }
  });
});
