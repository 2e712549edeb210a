import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { loadOrCreateGeneratedCertificate, type EapCertificate } from './server-certificate.js';
import { MemoryTransport, TlsTunnel, createEapSecureContext, settle } from './tls-tunnel.js';

let dir: string;
let cert: EapCertificate;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lanyard-tls-tunnel-'));
  cert = loadOrCreateGeneratedCertificate(dir, 'radius.lanyard.test');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A Node TLS client over memory, pumped against the tunnel until both sides are quiet. */
async function handshake(
  clientOpts: { minVersion?: 'TLSv1.2' | 'TLSv1.3'; maxVersion?: 'TLSv1.2' | 'TLSv1.3' } = {},
) {
  const transport = new MemoryTransport();
  const client: TLSSocket = connect({
    socket: transport,
    ca: cert.caPem!,
    servername: 'radius.lanyard.test',
    ...clientOpts,
  });
  let clientError: Error | null = null;
  client.on('error', (e) => (clientError = e));
  const tunnel = new TlsTunnel(createEapSecureContext(cert));
  let rounds = 0;
  for (; rounds < 10; rounds++) {
    await settle(() => transport.writtenBytes);
    const out = transport.drain();
    if (!out.length) break;
    const step = await tunnel.receive(out);
    if (step.output.length) transport.push(step.output);
    if (step.failed) break;
  }
  await settle(() => transport.writtenBytes);
  return { client, tunnel, transport, rounds, clientError: () => clientError };
}

describe('TlsTunnel', () => {
  it('completes a TLS 1.2 handshake in memory; both ends export the same EAP keys per label', async () => {
    const { client, tunnel } = await handshake();
    assert.equal(tunnel.established, true);
    assert.equal(client.getProtocol(), 'TLSv1.2');
    const rows: Array<[string, number]> = [
      ['client EAP encryption', 128], // PEAP (and EAP-TLS)
      ['ttls keying material', 128], // EAP-TTLS
    ];
    const seen = new Set<string>();
    for (const [label, len] of rows) {
      const server = tunnel.exportKeyingMaterial(len, label);
      const peer = client.exportKeyingMaterial(len, label, undefined as unknown as Buffer);
      assert.deepEqual(server, peer, label);
      seen.add(server.toString('hex'));
    }
    assert.equal(seen.size, rows.length, 'labels give different keys');
    client.destroy();
    tunnel.close();
  });

  it('carries application data both ways', async () => {
    const { client, tunnel, transport } = await handshake();
    const got: Buffer[] = [];
    client.on('data', (d: Buffer) => got.push(d));
    client.write('inner hello');
    await settle(() => transport.writtenBytes);
    const step = await tunnel.receive(transport.drain());
    assert.equal(step.cleartext.toString(), 'inner hello');
    transport.push(await tunnel.send(Buffer.from('inner reply')));
    await settle(() => got.length);
    assert.equal(Buffer.concat(got).toString(), 'inner reply');
    client.destroy();
    tunnel.close();
  });

  it('refuses a TLS 1.3-only peer (PEAP/TTLS are capped at TLS 1.2)', async () => {
    const { tunnel } = await handshake({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
    assert.equal(tunnel.established, false);
    assert.ok(tunnel.failed, 'server side failed');
    tunnel.close();
  });

  it('fails on bytes that are not TLS', async () => {
    const tunnel = new TlsTunnel(createEapSecureContext(cert));
    const step = await tunnel.receive(Buffer.alloc(50, 0x41));
    assert.ok(step.failed);
    await assert.rejects(() => tunnel.send(Buffer.from('x')));
    tunnel.close();
  });
});
