/**
 * `npm run demo` for real, the way a newcomer uses it: start it, read what it prints, and follow
 * it — the admin login, a member's sign-in link from the SMTP sink, the radclient command, the
 * webhook example — over plain HTTP and UDP, then Ctrl-C. Uses a throwaway database on
 * DATABASE_URL's server when set, the embedded PostgreSQL otherwise.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../../../api/src/db/test-support/test-database.js';
import { freePort } from '../support/ports.js';
import { radclient } from '../support/radclient.js';
import { graphqlClient, poll } from './support.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const demoDir = mkdtempSync(join(tmpdir(), 'lanyard-demo-'));
let database: TestDatabase | null = null;
let demoPid: number | null = null;
let apiPid: number | null = null;
after(async () => {
  // A cancelled run: the demo and the system (its own process group) may still be up.
  for (const pid of [demoPid, apiPid]) if (pid !== null && groupAlive(pid)) process.kill(-pid, 'SIGKILL');
  await database?.drop();
  rmSync(demoDir, { recursive: true, force: true });
});

/** A cookie jar that echoes the member CSRF cookie, as the portal SPA does. */
class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly url: string) {}
  async gql(query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const csrf = this.cookies.get('lanyard_member_csrf');
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
    }
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  }
}

/** The processes still in a process group, for a failure message. */
const groupMembers = (pgid: number): string => {
  const ps = spawnSync('ps', ['-e', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  if (ps.stdout === null) return `(ps: ${ps.error?.message})`;
  return ps.stdout
    .split('\n')
    .filter((line) => line.trim().split(/\s+/)[1] === String(pgid))
    .join('\n');
};

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run demo', { timeout: 240_000 }, () => {
  it(
    'syncs the sample community, lets a member sign in and onto the WiFi, and stops cleanly',
    { timeout: 240_000 },
    async () => {
      const port = await freePort();
      const radiusPort = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        RADIUS_AUTH_PORT: String(radiusPort),
        RADIUS_ACCT_PORT: String(await freePort()),
        RADIUS_METRICS_PORT: String(await freePort()),
        LANYARD_DEMO_DIR: demoDir,
      };
      for (const name of ['LANYARD_SECRET_KEY', 'SMTP_URL', 'PUBLIC_URL', 'HOST', 'LOG_LEVEL'])
        delete env[name];
      if (process.env.DATABASE_URL) {
        database = await createTestDatabase();
        env.DATABASE_URL = database.url;
      } else delete env.DATABASE_URL;

      // Its own process group, as in a terminal: Ctrl-C reaches every process of it.
      const child: ChildProcess = spawn('npm', ['run', 'demo', '--silent'], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      const exit = new Promise<string>((resolve) =>
        child.on('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
      );
      const pid = child.pid!;
      demoPid = pid;
      let stoppedInTime = false;
      try {
        await poll('the ready line', 180_000, async () => {
          if (child.exitCode !== null) throw new Error(`npm run demo exited (${child.exitCode})`);
          return out.includes('Lanyard demo is ready') ? true : undefined;
        }).catch((err) => assert.fail(`${err}\n${out}`));
        apiPid = Number(/Started Lanyard, pid (\d+)/.exec(out)?.[1]) || null;
        const printed = (re: RegExp): string[] => {
          const m = re.exec(out);
          assert.ok(m, `${re} not in:\n${out}`);
          return m.slice(1);
        };

        // The printed admin login works, and both integrations synced the community.
        const graphqlUrl = `http://127.0.0.1:${port}/graphql`;
        const [adminEmail] = printed(/sign in as\s+(\S+)/);
        const [adminPassword] = printed(/ password\s+(\S+)/);
        const anon = graphqlClient(graphqlUrl);
        const token = (
          await anon(`mutation($i: LoginInput!) { login(input: $i) { token } }`, {
            i: { email: adminEmail, password: adminPassword },
          })
        ).login.token as string;
        const gql = graphqlClient(graphqlUrl, token);
        const integrations = (await gql(`{ integrations { id kind lastRun { status } } }`))
          .integrations as any[];
        assert.deepEqual(integrations.map((i) => [i.kind, i.lastRun.status]).sort(), [
          ['ANDCARDS', 'SUCCEEDED'],
          ['NEXUDUS', 'SUCCEEDED'],
        ]);
        const count = async (filter: Record<string, unknown>) =>
          (
            await gql(`query($f: MemberFilterInput) { members(filter: $f, first: 1) { totalCount } }`, {
              f: filter,
            })
          ).members.totalCount as number;
        const perIntegration = await Promise.all(integrations.map((i) => count({ integrationId: i.id })));
        assert.ok(
          perIntegration.every((n) => n >= 50),
          `members per integration: ${perIntegration}`,
        );
        const total = perIntegration[0]! + perIntegration[1]!;
        assert.ok(total >= 180 && total <= 220, `about 200 members, got ${total}`);

        // The member on a plan signs in through the link the SMTP sink prints.
        const [email, portalUrl] = printed(/on a plan\s+(\S+)[^\n]*\n\s+→ (\S+)/);
        const slug = new URL(portalUrl!).pathname.split('/').pop()!;
        const browser = new Browser(graphqlUrl);
        const before = out.length;
        const asked = await browser.gql(
          `mutation($i: RequestMagicLinkInput!) { requestMagicLink(input: $i) { accepted } }`,
          { i: { locationSlug: slug, email } },
        );
        assert.equal(asked.requestMagicLink.accepted, true);
        const linkRe = new RegExp(
          `Mail to ${email!.replace(/[.+]/g, '\\$&')}:[^\\n]*\\n\\s+(\\S+/portal/${slug}/signin#token=(\\S+))`,
        );
        const magicToken = await poll(
          'the sign-in mail',
          30_000,
          async () => linkRe.exec(out.slice(before))?.[2],
        ).catch((err) => assert.fail(`${err}\n${out.slice(before)}`));
        const redeemed = await browser.gql(
          `mutation($t: String!) { redeemMagicLink(token: $t) { locationSlug } }`,
          {
            t: magicToken,
          },
        );
        assert.equal(redeemed.redeemMagicLink.locationSlug, slug);
        const me = (await browser.gql(`{ me { email hasPassphrase access { state } } myPassphrase }`)) as any;
        assert.equal(me.me.email, email);
        assert.equal(me.me.hasPassphrase, true);
        assert.equal(me.me.access.state, 'ACTIVE');

        // The printed radclient command: the same member and passphrase, accepted by the access point.
        const [user, password, radiusPortText, secret] = printed(
          /User-Name = "([^"]+)", User-Password = "([^"]+)", Message-Authenticator = 0x00' \| radclient -x 127\.0\.0\.1:(\d+) auth (\S+)/,
        );
        assert.equal(user, email);
        assert.equal(password, me.myPassphrase);
        assert.equal(Number(radiusPortText), radiusPort);
        const reply = await radclient(radiusPort, 'auth', secret!, {
          'User-Name': user!,
          'User-Password': password!,
          'Message-Authenticator': '0x00',
        });
        assert.equal(reply.code, 'Access-Accept', reply.output);

        // The virtual-office member has a plan but no WiFi.
        const [voEmail] = printed(/no WiFi\s+(\S+)/);
        assert.equal(await count({ search: voEmail, hasAccess: false }), 1);
        assert.equal(await count({ search: voEmail, hasAccess: true }), 0);

        // The webhook example: a plan ended in Nexudus takes the WiFi away through the webhook alone.
        const [victim, login, deleteUrl] = printed(
          /\((\S+@\S+)\) in Nexudus;\n[^\n]*\n\s+curl -u '([^']+)' -X DELETE (\S+)/,
        );
        assert.equal(await count({ search: victim, hasAccess: true }), 1);
        const deleted = await fetch(deleteUrl!, {
          method: 'DELETE',
          headers: { authorization: `Basic ${Buffer.from(login!).toString('base64')}` },
        });
        assert.equal(deleted.status, 200);
        await poll('the webhook ending their access', 30_000, async () =>
          (await count({ search: victim, hasAccess: false })) === 1 ? true : undefined,
        );
        const runs = (await gql(`{ syncRuns(first: 20) { nodes { trigger status } } }`)).syncRuns
          .nodes as any[];
        assert.ok(
          runs.some((r) => r.trigger === 'WEBHOOK' && r.status === 'SUCCEEDED'),
          JSON.stringify(runs),
        );
      } finally {
        if (groupAlive(pid)) process.kill(-pid, 'SIGINT');
        const deadline = Date.now() + 30_000;
        while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        stoppedInTime = !groupAlive(pid);
        if (!stoppedInTime) process.kill(-pid, 'SIGKILL');
      }
      // Every process of the demo is gone without SIGKILL, after a clean stop of the system. npm
      // itself ends the way a shell does on Ctrl-C: by the same signal.
      assert.equal(stoppedInTime, true, out);
      assert.ok(apiPid !== null, `no "Started Lanyard, pid N" line in:\n${out}`);
      if (groupAlive(apiPid))
        assert.fail(`the system stopped with the demo; left:\n${groupMembers(apiPid)}\n${out}`);
      assert.match(out, /Demo stopped cleanly/, out);
      assert.ok(['code 0', 'SIGINT'].includes(await exit), await exit);
    },
  );
});
