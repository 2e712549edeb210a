/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) for the API's tests, the cross-part
 * tests and `npm run demo`: it records every accepted message (`onMail` sees each as it arrives) and
 * rejects recipients whose address starts with `bounce`. `parts()` decodes the MIME text and HTML.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string | null;
  /** Lower-cased. */
  to: string[];
  raw: string;
  user: string | null;
}

export interface SmtpSink {
  url: (auth?: { user: string; pass: string }) => string;
  received: ReceivedMail[];
  /** Messages rejected so far (one per delivery attempt). */
  rejected: number;
  /** Connections accepted so far, and those still open. */
  connections: number;
  open: number;
  /** The first mail to `to` among those received after the first `since`, waiting up to `timeoutMs`. */
  waitFor(to: string, opts?: { since?: number; timeoutMs?: number }): Promise<ReceivedMail>;
  stop(): Promise<void>;
}

export async function startSmtpSink(opts: { onMail?: (mail: ReceivedMail) => void } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const sink = { received, rejected: 0, connections: 0, open: 0 } as SmtpSink;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, cb) {
      sink.connections++;
      sink.open++;
      cb();
    },
    onClose() {
      sink.open--;
    },
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username });
    },
    onRcptTo(address, session, cb) {
      if (address.address.startsWith('bounce')) {
        sink.rejected++;
        // Quotes the login, as some servers do: the outbox must not keep it.
        const err = new Error(`mailbox unavailable (session of ${String(session.user)})`) as Error & {
          responseCode: number;
        };
        err.responseCode = 550;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: (session.user as string | undefined) ?? null,
        };
        received.push(mail);
        cb();
        opts.onMail?.(mail);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  sink.url = (auth) =>
    `smtp://${auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : ''}127.0.0.1:${port}`;
  sink.waitFor = async (to, o = {}) => {
    const deadline = Date.now() + (o.timeoutMs ?? 20_000);
    for (;;) {
      const found = received.slice(o.since ?? 0).find((m) => m.to.includes(to.toLowerCase()));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} arrived`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  sink.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

/** The decoded text/plain and text/html parts and the headers of a received message. */
export function parts(raw: string): { headers: string; text: string | null; html: string | null } {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, headerEnd);
  const out = { headers, text: null as string | null, html: null as string | null };
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  const sections = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const section of sections) {
    const split = section.indexOf('\r\n\r\n');
    const head = section.slice(0, split);
    let body = section.slice(split + 4).replace(/\r\n$/, '');
    const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
    if (encoding === 'quoted-printable') {
      const bytes = body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      body = Buffer.from(bytes, 'latin1').toString('utf8');
    } else if (encoding === 'base64') {
      body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    }
    if (/content-type:\s*text\/plain/i.test(head)) out.text = body;
    if (/content-type:\s*text\/html/i.test(head)) out.html = body;
  }
  return out;
}
