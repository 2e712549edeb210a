import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi, type TestApi } from '../test-support/api-harness.js';

/** A CA certificate as the RADIUS worker generates it (radius/src/eap/server-certificate.ts). */
const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIDTDCCAjSgAwIBAgIQU1ZWWiUYkERfT5ijnwjzlzANBgkqhkiG9w0BAQsFADAu
MRAwDgYDVQQKDAdMYW55YXJkMRowGAYDVQQDDBFMYW55YXJkIFJBRElVUyBDQTAe
Fw0yNjExMjMxMDE4MzJaFw00NjExMTkxMDE4MzJaMC4xEDAOBgNVBAoMB0xhbnlh
cmQxGjAYBgNVBAMMEUxhbnlhcmQgUkFESVVTIENBMIIBIjANBgkqhkiG9w0BAQEF
AAOCAQ8AMIIBCgKCAQEA0JR+kwjE0D9gY5RCIAb7jT/94VxVz7twtNJgzhVolkFK
3Sleufw2DsllmRe0moUqfF1Hi6gu0EgvcLxJXUBhj+WKnx/Lcl8tc7V20S+RqQ8l
QSwcMUgeTMs6+p0TfsgThdkJMFciA7qylbE+XaYfGQ3sbnbV5tfWTT4sUY1JSmyf
q3x77d96l2ZUocy4hNfLz0Xmb0mTZ0B230O3iqSfVfzsX/5OCFi0JiUQhDZGkt90
AoQJUOpBjwywD0V0NrqZ3aVTCLFYAfrvmQB2lOJssQ0XI0qhEY3//Z743kq8s5zl
3thZAlzJYdA840libiEASngDpPPvfQNtYU4ws9WveQIDAQABo2YwZDASBgNVHRMB
Af8ECDAGAQH/AgEAMA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUjzj1WEU2kHW5
6QPNViN5thcUfXswHwYDVR0jBBgwFoAUjzj1WEU2kHW56QPNViN5thcUfXswDQYJ
KoZIhvcNAQELBQADggEBADJhCK7oPoi54pw9qM1UyevXnjfIPU0c9j4nOJqgC4no
LNFGD0hJ1jX+e/Yw0M/c/PQeTbexePYMyLtLlWlLFOV1iYXTwwoOdo6Q3ec1Nrym
Tep6jG3TuEE1sfycTB8gGXvGchjecXNO18ynEA49WGgi/zHzCvogVIeXWlIV5XdA
uZhe1e9BHeXXcQUs3Cwj5DyQXPn/lB7pPug2icNjFGN5wMIHlZoPGrzlY8qhnUgJ
MLfWgY6/XE17sa6b2+zpc+g+FhhjxHdVlqohmRw7BJD/s5OeMbkmVcYKo7xZzCzp
XW6nKWqJoXiu+xpSzgs9zXldIna5Ep5V9Xm0PT8JnWQ=
-----END CERTIFICATE-----
`;

describe('GET /radius/ca.crt', () => {
  let t: TestApi;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lanyard-radius-ca-'));
    t = await startTestApi({ env: { LANYARD_DATA_DIR: dataDir } });
  });
  after(async () => {
    await t?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is 404 while the RADIUS worker has generated no CA in this data dir', async () => {
    const res = await fetch(`${t.url}/radius/ca.crt`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'NOT_FOUND' });
  });

  it("serves the generated CA as DER, for members' devices to install", async () => {
    mkdirSync(join(dataDir, 'eap'), { recursive: true });
    writeFileSync(join(dataDir, 'eap', 'ca.pem'), CA_PEM);
    const res = await fetch(`${t.url}/radius/ca.crt`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-x509-ca-cert');
    const served = new X509Certificate(Buffer.from(await res.arrayBuffer()));
    assert.equal(served.fingerprint256, new X509Certificate(CA_PEM).fingerprint256);
    assert.equal(served.ca, true);
  });

  it('is 404 for a file that is not a certificate', async () => {
    writeFileSync(join(dataDir, 'eap', 'ca.pem'), 'not a certificate');
    assert.equal((await fetch(`${t.url}/radius/ca.crt`)).status, 404);
  });
});
