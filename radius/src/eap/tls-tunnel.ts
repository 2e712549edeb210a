/**
 * The server end of one PEAP/TTLS TLS session, run in memory: Node's TLSSocket over a Duplex we
 * drive by hand (peer records in with `receive`, our records out as the return value).
 * OpenSSL does the work synchronously when bytes arrive; `settle` still waits for the event loop
 * to go quiet (a few setImmediate turns, no clock) so output that Node queues behind a pending
 * write is never left behind.
 */
import { constants } from 'node:crypto';
import { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';

/** TLS 1.2 only (FreeRADIUS' default cap; TTLS/PEAP over TLS 1.3 interop is uneven), no tickets. */
export function createEapSecureContext(material: { keyPem: string; certChainPem: string }): SecureContext {
  return createSecureContext({
    key: material.keyPem,
    cert: material.certChainPem,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    secureOptions: constants.SSL_OP_NO_TICKET,
  });
}

/** The byte pipe under a TLSSocket: what TLS writes is collected, what the peer sent is pushed. */
export class MemoryTransport extends Duplex {
  readonly written: Buffer[] = [];
  writtenBytes = 0;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.written.push(chunk);
    this.writtenBytes += chunk.length;
    callback();
  }

  override _read(): void {}

  drain(): Buffer {
    const out = this.written.length === 1 ? this.written[0]! : Buffer.concat(this.written);
    this.written.length = 0;
    this.writtenBytes = 0;
    return out;
  }
}

export interface TunnelStep {
  /** TLS records for the peer (may be empty). */
  output: Buffer;
  /** Application data the peer sent inside the tunnel. */
  cleartext: Buffer;
  established: boolean;
  /** Set once TLS failed (OpenSSL's error code); the tunnel is unusable after that. */
  failed: string | null;
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits until a setImmediate turn passes with `activity()` unchanged (at most 16 turns). */
export async function settle(activity: () => number): Promise<void> {
  for (let i = 0; i < 16; i++) {
    const before = activity();
    await immediate();
    if (activity() === before) return;
  }
}

export class TlsTunnel {
  private readonly transport = new MemoryTransport();
  private readonly socket: TLSSocket;
  private readonly inbound: Buffer[] = [];
  private inboundBytes = 0;
  private changes = 0;
  established = false;
  failed: string | null = null;

  constructor(context: SecureContext) {
    this.socket = new TLSSocket(this.transport, {
      isServer: true,
      secureContext: context,
      requestCert: false,
    });
    this.socket.on('secure', () => {
      this.established = true;
      this.changes++;
    });
    this.socket.on('data', (d: Buffer) => {
      this.inbound.push(d);
      this.inboundBytes += d.length;
      this.changes++;
    });
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      this.failed ??= err.code ?? 'TLS_ERROR';
      this.changes++;
    });
    this.transport.on('error', () => {
      this.failed ??= 'TRANSPORT_ERROR';
    });
  }

  /** Feeds the peer's TLS records; returns our answer and any application data that arrived. */
  async receive(records: Buffer): Promise<TunnelStep> {
    if (!this.failed && records.length) this.transport.push(records);
    await this.settle();
    const cleartext = this.inbound.length === 1 ? this.inbound[0]! : Buffer.concat(this.inbound);
    this.inbound.length = 0;
    this.inboundBytes = 0;
    return { output: this.transport.drain(), cleartext, established: this.established, failed: this.failed };
  }

  /** Encrypts application data for the peer; returns the TLS records. */
  async send(cleartext: Buffer): Promise<Buffer> {
    if (!this.established || this.failed) throw new Error('TLS tunnel not established');
    this.socket.write(cleartext);
    await this.settle();
    return this.transport.drain();
  }

  /** RFC 5705 exporter (no context), e.g. 128 bytes of "client EAP encryption" for PEAP. */
  exportKeyingMaterial(length: number, label: string): Buffer {
    // Omitted context = RFC 5705 "no context" (what PEAP/TTLS peers use; an empty one differs).
    return this.socket.exportKeyingMaterial(length, label, undefined as unknown as Buffer);
  }

  close(): void {
    this.socket.destroy();
    this.transport.destroy();
  }

  /** Waits until a setImmediate turn passes with nothing new written, read or raised. */
  private settle(): Promise<void> {
    return settle(() => this.changes + this.transport.writtenBytes + this.inboundBytes);
  }
}
