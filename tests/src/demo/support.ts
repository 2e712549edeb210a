/** Small pieces of the `npm run demo` launcher: GraphQL calls, the data reset, mail and RADIUS checks. */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { encodeRequest, PacketBuilder } from '../../../radius/src/codec/builder.js';
import { Attr, Code } from '../../../radius/src/codec/packet.js';
import { parts, type ReceivedMail } from '../../../api/src/test-support/smtp-sink.js';

export class GraphqlError extends Error {
  constructor(
    readonly codes: string[],
    message: string,
  ) {
    super(message);
  }
}

export type Gql = <T = any>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** A GraphQL client for one API, optionally with a Bearer token. */
export function graphqlClient(url: string, token?: string): Gql {
  return async (query, variables = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: any;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    if (body.errors?.length) {
      throw new GraphqlError(
        body.errors.map((e) => e.extensions?.code ?? 'UNKNOWN'),
        body.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`.trim()).join('; '),
      );
    }
    return body.data;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: gave up after ${timeoutMs / 1000} s${last ? ` (${String(last)})` : ''}`);
    await sleep(250);
  }
}

const MARKER = '.lanyard-demo';

/**
 * Empties the demo's own data directory (embedded PostgreSQL cluster, generated key, log), so every
 * demo starts from the same sample community dated today. Refuses a directory it did not create,
 * and one whose PostgreSQL is still running (another demo).
 */
export function resetDemoDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, MARKER)))
      throw new Error(`${dir} is not empty and was not made by npm run demo; refusing to reset it`);
    const cluster = join(dir, 'postgres');
    const pidFile = join(cluster, 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw new Error(`a demo is already running (PostgreSQL pid ${pid} in ${cluster}); stop it first`);
    }
    // As root the cluster may live elsewhere behind a symlink (see api/src/db/embedded-postgres.ts).
    if (existsSync(cluster) && lstatSync(cluster).isSymbolicLink())
      rmSync(realpathSync(cluster), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, MARKER), 'Data of `npm run demo`; emptied at every demo start.\n');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const DEMO_OWNER_EMAIL = 'demo-owner@example.com';

/**
 * With DATABASE_URL: an empty database is used as is; one holding an earlier demo (its only admin
 * is the demo owner) is emptied; anything else is refused, so the demo never touches a real install.
 */
export async function prepareExternalDatabase(url: string): Promise<'empty' | 'reset'> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string | null }>(
      `select to_regclass('public.admin_user')::text as t`,
    );
    if (!rows[0]?.t) return 'empty';
    const admins = await client.query<{ email: string }>('select email from admin_user');
    if (admins.rows.some((r) => r.email.toLowerCase() !== DEMO_OWNER_EMAIL))
      throw new Error(
        'DATABASE_URL points at a Lanyard database with real admins; give the demo an empty database',
      );
    await client.query('drop schema if exists pgboss cascade');
    await client.query('drop schema public cascade');
    await client.query('create schema public');
    return 'reset';
  } finally {
    await client.end();
  }
}

/** Subject (RFC 2047 words decoded) and the distinct links of a captured mail. */
export function summarizeMail(mail: ReceivedMail): { subject: string; links: string[] } {
  const { headers, text, html } = parts(mail.raw);
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(headers)?.[1] ?? '';
  const subject = header
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=\s*/gi, (_, _charset: string, enc: string, data: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    )
    .trim();
  const links = [...new Set(`${text ?? ''}\n${html ?? ''}`.match(/https?:\/\/[^\s"'<>)]+/g) ?? [])].filter(
    (l) => !/\/\/(www\.)?w3\.org\//.test(l),
  );
  return { subject, links };
}

/**
 * Prints each mail as it arrives (recipient, subject, links) once the guide is on screen. Until
 * then mail is only counted, and so is the backlog of credential emails the first syncs queued, so
 * that hundreds of them do not scroll the guide away; every other mail (sign-in links) is printed.
 */
export class MailPrinter {
  private printing = false;
  private readonly received: Array<{ at: number; key: string }> = [];
  private readonly backlog = new Map<string, number>();
  private backlogLeft = 0;
  /** Mails counted instead of printed. */
  counted = 0;

  constructor(private readonly say: (line: string) => void) {}

  onMail(mail: ReceivedMail): void {
    const { subject, links } = summarizeMail(mail);
    const key = `${mail.to.join(', ')}\n${subject}`;
    if (!this.printing) {
      this.received.push({ at: Date.now(), key });
      this.counted++;
      return;
    }
    if (this.takeFromBacklog(key)) {
      this.counted++;
      if (this.backlogLeft === 0)
        this.say(
          `✉  All ${this.counted} credential emails of the first syncs were delivered (see Admin → Outbox)`,
        );
      return;
    }
    this.say(`✉  Mail to ${mail.to.join(', ')}: ${subject}`);
    for (const link of links) this.say(`     ${link}`);
  }

  /**
   * Starts printing. `backlog` is what the outbox still had queued when asked at `askedAt`; mails
   * that arrived shortly before or since were queued then too, so they are taken off it.
   */
  startPrinting(backlog: Array<{ toAddress: string; subject: string }>, askedAt: number): void {
    for (const m of backlog) {
      const key = `${m.toAddress.toLowerCase()}\n${m.subject}`;
      this.backlog.set(key, (this.backlog.get(key) ?? 0) + 1);
      this.backlogLeft++;
    }
    for (const r of this.received) if (r.at >= askedAt - 2000) this.takeFromBacklog(r.key);
    this.printing = true;
  }

  get backlogSize(): number {
    return this.backlogLeft;
  }

  private takeFromBacklog(key: string): boolean {
    const n = this.backlog.get(key) ?? 0;
    if (n === 0) return false;
    this.backlog.set(key, n - 1);
    this.backlogLeft--;
    return true;
  }
}

/**
 * One PAP Access-Request, as `radclient` would send it (with Message-Authenticator). Resolves with
 * the reply code (2 = Access-Accept) or null after `timeoutMs` without an answer.
 */
export function papRequest(opts: {
  port: number;
  secret: string;
  username: string;
  password: string;
  timeoutMs?: number;
}): Promise<number | null> {
  const id = randomInt(256);
  const packet = encodeRequest(
    Code.AccessRequest,
    id,
    new PacketBuilder().add(Attr.UserName, opts.username).add(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1])),
    Buffer.from(opts.secret),
    { userPassword: opts.password },
  );
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (code: number | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(code);
    };
    const timer = setTimeout(() => done(null), opts.timeoutMs ?? 1000);
    socket.on('message', (msg) => {
      if (msg.length >= 20 && msg[1] === id) done(msg[0]!);
    });
    socket.on('error', () => done(null));
    socket.send(packet, opts.port, '127.0.0.1');
  });
}
