/**
 * A small EAP supplicant for tests and benchmarks (not used by the worker): PEAPv0/EAP-MSCHAPv2
 * and EAP-TTLS/PAP over Node's TLS client in memory, with EAP-TLS framing and fragmentation. It is
 * written from the same specifications as the server, and checked against the real eapol_test
 * end to end (tests/src/radius/eap.e2e.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import { buildAvp, AvpFlag } from '../diameter-avp.js';
import { EapCode, EapType, buildEap, parseEap, type EapPacket } from '../eap-packet.js';
import { generateAuthenticatorResponse, generateNtResponse, ntPasswordHash } from '../mschapv2.js';
import { TlsReassembler, emptyPayload, fragmentTls, parseTlsPayload } from '../tls-framing.js';
import { MemoryTransport, settle } from '../tls-tunnel.js';

export interface EapPeerOptions {
  method: 'PEAP' | 'TTLS';
  /** Outer identity (EAP-Response/Identity); defaults to `identity`. */
  anonymousIdentity?: string;
  /** Inner identity: the member's username. */
  identity: string;
  password: string;
  /** PEM CA to verify the server with; without it the server is not verified. */
  ca?: string;
  /** Expected name in the server certificate (checked with `ca`). */
  serverName?: string;
  /** TLS bytes per fragment the peer sends. */
  fragmentSize?: number;
}

/** What the peer learned: its MSK (to compare with the MPPE keys) and the server's MSCHAPv2 proof. */
export interface PeerResult {
  msk: Buffer | null;
  serverAuthenticated: boolean | null;
  peerCertificateFingerprint: string | null;
}

export class EapPeer {
  private tls: TLSSocket | null = null;
  private readonly transport = new MemoryTransport();
  private readonly reassembler = new TlsReassembler(1 << 20);
  private pendingOut: Buffer[] = [];
  private cleartext: Buffer[] = [];
  private established = false;
  private tlsError: Error | null = null;
  private changes = 0;
  private sentPhase2 = false;
  private mschap: { authChallenge: Buffer; peerChallenge: Buffer; ntResponse: Buffer } | null = null;
  readonly result: PeerResult = { msk: null, serverAuthenticated: null, peerCertificateFingerprint: null };

  constructor(private readonly opts: EapPeerOptions) {}

  private get type(): number {
    return this.opts.method === 'PEAP' ? EapType.Peap : EapType.Ttls;
  }

  /** The identity sent outside the tunnel (NASes copy it into User-Name). */
  get outerIdentity(): string {
    return this.opts.anonymousIdentity ?? this.opts.identity;
  }

  /** EAP-Response/Identity (the NAS asked for it; that request never reaches the server). */
  identityResponse(identifier = 0): Buffer {
    const id = Buffer.from(this.outerIdentity, 'utf8');
    return buildEap(EapCode.Response, identifier, EapType.Identity, id);
  }

  /** The answer to one EAP-Request from the server. */
  async respond(requestBytes: Buffer): Promise<Buffer> {
    const req = parseEap(requestBytes);
    if (req.code !== EapCode.Request) throw new Error(`peer got EAP code ${req.code}`);
    if (req.type !== this.type) {
      // Offered another method: Nak with ours.
      return buildEap(EapCode.Response, req.identifier, EapType.Nak, Buffer.from([this.type]));
    }
    const p = parseTlsPayload(req.data);
    if (p.start) {
      this.openTls();
      await this.settleTls();
      return this.sendTls(req, this.transport.drain());
    }
    if (this.pendingOut.length) {
      if (p.data.length) throw new Error('peer: server sent data while we were fragmenting');
      return this.reply(req, this.pendingOut.shift()!);
    }
    const records = this.reassembler.add(p);
    if (records === null) return this.reply(req, emptyPayload(0));
    if (records.length) this.transport.push(records);
    await this.settleTls();
    if (this.tlsError) throw this.tlsError;
    let out = this.transport.drain();
    const inner = Buffer.concat(this.cleartext.splice(0));
    if (this.established) {
      const answer = inner.length ? this.inner(inner) : this.phase2Start();
      if (answer) {
        this.tls!.write(answer);
        await this.settleTls();
        out = Buffer.concat([out, this.transport.drain()]);
      }
    }
    return this.sendTls(req, out);
  }

  /** Keys the peer derives from the tunnel (RFC 5281 §8 / PEAP), for comparison with MS-MPPE-*. */
  deriveMsk(): Buffer {
    const label = this.opts.method === 'PEAP' ? 'client EAP encryption' : 'ttls keying material';
    this.result.msk = this.tls!.exportKeyingMaterial(128, label, undefined as unknown as Buffer);
    return this.result.msk;
  }

  close(): void {
    this.tls?.destroy();
    this.transport.destroy();
  }

  private openTls(): void {
    this.tls = connect({
      socket: this.transport,
      ca: this.opts.ca,
      servername: this.opts.serverName,
      rejectUnauthorized: this.opts.ca !== undefined,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
    });
    this.tls.on('secureConnect', () => {
      this.established = true;
      this.result.peerCertificateFingerprint = this.tls!.getPeerCertificate().fingerprint256 ?? null;
      this.changes++;
    });
    this.tls.on('data', (d: Buffer) => {
      this.cleartext.push(d);
      this.changes++;
    });
    this.tls.on('error', (err: Error) => {
      this.tlsError = err;
      this.changes++;
    });
  }

  private settleTls(): Promise<void> {
    return settle(() => this.changes + this.transport.writtenBytes);
  }

  private sendTls(req: EapPacket, out: Buffer): Buffer {
    if (out.length === 0) return this.reply(req, emptyPayload(0));
    const [head, ...rest] = fragmentTls(out, this.opts.fragmentSize ?? 1024, 0);
    this.pendingOut = rest;
    return this.reply(req, head!);
  }

  private reply(req: EapPacket, typeData: Buffer): Buffer {
    return buildEap(EapCode.Response, req.identifier, this.type, typeData);
  }

  /** Tunnel up, nothing from the server: TTLS sends its credentials, PEAP waits (empty ACK). */
  private phase2Start(): Buffer | null {
    if (this.opts.method !== 'TTLS' || this.sentPhase2) return null;
    this.sentPhase2 = true;
    const pw = Buffer.from(this.opts.password, 'utf8');
    const padded = Buffer.alloc(Math.max(16, Math.ceil(pw.length / 16) * 16));
    pw.copy(padded);
    return Buffer.concat([
      buildAvp(1, Buffer.from(this.opts.identity, 'utf8'), AvpFlag.Mandatory),
      buildAvp(2, padded, AvpFlag.Mandatory),
    ]);
  }

  /** PEAPv0 inner EAP (header-compressed except Extensions; FreeRADIUS sends Identity with its header). */
  private inner(data: Buffer): Buffer | null {
    if (data.length >= 5 && data[0] === EapCode.Request && data.readUInt16BE(2) === data.length) {
      const full = parseEap(data);
      // Echo the Result TLV.
      if (full.type === EapType.Extensions)
        return buildEap(EapCode.Response, full.identifier, EapType.Extensions, full.data);
      data = data.subarray(4);
    }
    const type = data[0];
    const body = data.subarray(1);
    if (type === EapType.Identity)
      return Buffer.concat([Buffer.from([EapType.Identity]), Buffer.from(this.opts.identity, 'utf8')]);
    if (type !== EapType.MsChapV2) throw new Error(`peer: unexpected inner type ${type}`);
    const op = body[0];
    const msId = body[1]!;
    if (op === 1) {
      const authChallenge = body.subarray(5, 21);
      const peerChallenge = randomBytes(16);
      const ntResponse = generateNtResponse(
        authChallenge,
        peerChallenge,
        this.opts.identity,
        ntPasswordHash(this.opts.password),
      );
      this.mschap = { authChallenge, peerChallenge, ntResponse };
      const name = Buffer.from(this.opts.identity, 'utf8');
      const value = Buffer.concat([peerChallenge, Buffer.alloc(8), ntResponse, Buffer.from([0])]);
      const head = Buffer.from([2, msId, 0, 0, 49]);
      head.writeUInt16BE(4 + 1 + 49 + name.length, 2);
      return Buffer.concat([Buffer.from([EapType.MsChapV2]), head, value, name]);
    }
    if (op === 3) {
      const message = body.subarray(4).toString('ascii');
      const expected = generateAuthenticatorResponse(
        ntPasswordHash(this.opts.password),
        this.mschap!.ntResponse,
        this.mschap!.peerChallenge,
        this.mschap!.authChallenge,
        this.opts.identity,
      );
      this.result.serverAuthenticated = message.startsWith(expected);
      if (!this.result.serverAuthenticated) throw new Error('peer: bad authenticator response');
      return Buffer.from([EapType.MsChapV2, 3]);
    }
    if (op === 4) return Buffer.from([EapType.MsChapV2, 4]);
    throw new Error(`peer: unexpected MSCHAPv2 op ${op}`);
  }
}
