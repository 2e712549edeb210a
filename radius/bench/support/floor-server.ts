/**
 * Not a RADIUS server: the floor under any single Node.js process answering PAP with this codec.
 * One UDP socket; per datagram: parse, verify Message-Authenticator, un-hide User-Password, answer
 * Access-Accept with Message-Authenticator — no lookup, no policy, no logging, no metrics. What
 * Lanyard's worker does on top of this is its own cost. Prints one JSON line with its port.
 */
import { createSocket } from 'node:dgram';
import { PacketBuilder, encodeResponse } from '../../src/codec/builder.js';
import { decryptUserPassword, verifyMessageAuthenticator } from '../../src/codec/crypto.js';
import { Attr, Code, getAttr, parsePacket } from '../../src/codec/packet.js';

const secret = Buffer.from(process.env.BENCH_SECRET!);
const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
const empty = new PacketBuilder();
socket.on('message', (msg, rinfo) => {
  try {
    const req = parsePacket(msg);
    if (req.code !== Code.AccessRequest || verifyMessageAuthenticator(req, secret) !== 'VALID') return;
    const hidden = getAttr(req, Attr.UserPassword);
    if (!hidden || decryptUserPassword(hidden, req.authenticator, secret).length === 0) return;
    socket.send(encodeResponse(req, Code.AccessAccept, empty, secret), rinfo.port, rinfo.address);
  } catch {
    // dropped
  }
});
socket.bind(0, '127.0.0.1', () =>
  process.stdout.write(`${JSON.stringify({ authPort: socket.address().port })}\n`),
);
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
