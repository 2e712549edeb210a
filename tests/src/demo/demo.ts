/**
 * `npm run demo` (scripts/demo.mjs runs this after the build): the whole system as `npm start`
 * runs it, plus the Nexudus and Andcards simulators filled with a sample community, an SMTP sink
 * that prints every mail, and everything wired through the public GraphQL API — owner admin, both
 * integrations (webhooks included), location time zones and SSIDs, a NAS client for radclient.
 * Ends by printing URLs and logins, then `Lanyard demo is ready`. Ctrl-C stops it all.
 *
 * The demo's data is reset at every start: its own directory (`.lanyard/demo`, or
 * LANYARD_DEMO_DIR) is emptied, or, with DATABASE_URL, the database must be empty or hold an
 * earlier demo (see prepareExternalDatabase).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WEBHOOK_ACTIONS } from '../simulators/nexudus/nexudus-simulator.js';
import { startSmtpSink, type SmtpSink } from '../../../api/src/test-support/smtp-sink.js';
import { BERLIN, createDemoCommunity, LONDON, type DemoCommunity, type SampleMember } from './community.js';
import {
  DEMO_OWNER_EMAIL,
  graphqlClient,
  papRequest,
  poll,
  prepareExternalDatabase,
  resetDemoDir,
  sleep,
  MailPrinter,
  type Gql,
} from './support.js';

export const READY_LINE = 'Lanyard demo is ready';
const root = fileURLToPath(new URL('../../../', import.meta.url));

const INTEGRATION_FIELDS = `integration { id name webhookUrl webhookEndpoints { event url } } run { id status }`;
const CREATE_INTEGRATION = `mutation($i: CreateIntegrationInput!) { createIntegration(input: $i) { ${INTEGRATION_FIELDS} } }`;
const SYNC_RUN = `query($id: ID!) { syncRun(id: $id) { id status error created errors } }`;
const MAPPINGS = `query($id: ID!) { integration(id: $id) { locationMappings { location { id slug name } } } }`;
const UPDATE_LOCATION = `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { id slug name timezone portalUrl } } }`;
const MEMBER_BY_EMAIL = `query($s: String!, $l: ID!) { members(filter: { search: $s }, first: 5) { nodes {
  id email username fullName status accessAt(locationId: $l) { allowed reason grantKind validUntil vlanId } } } }`;
const COUNT = `query($f: MemberFilterInput) { members(filter: $f, first: 1) { totalCount } }`;
const PENDING_MAIL = `query($after: String) { outboxMessages(status: PENDING, first: 200, after: $after) {
  nodes { toAddress subject } pageInfo { hasNextPage endCursor } } }`;

interface Settings {
  port: number;
  radiusAuthPort: number;
  radiusAcctPort: number;
  radiusMetricsPort: number;
  publicUrl: string;
  /** Where this process reaches the API (the simulators' webhooks too). */
  localUrl: string;
  demoDir: string;
  databaseUrl: string | null;
}

interface LocationInfo {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  portalUrl: string;
}

interface ChosenMember extends SampleMember {
  id: string;
  username: string;
  portalUrl: string;
  vlanId: number | null;
}

function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  const port = num('PORT', 4000);
  const host = env.HOST ?? '127.0.0.1';
  const local = ['0.0.0.0', '::', '127.0.0.1', 'localhost'].includes(host) ? '127.0.0.1' : host;
  return {
    port,
    radiusAuthPort: num('RADIUS_AUTH_PORT', 1812),
    radiusAcctPort: num('RADIUS_ACCT_PORT', 1813),
    radiusMetricsPort: num('RADIUS_METRICS_PORT', 9812),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    localUrl: `http://${local.includes(':') ? `[${local}]` : local}:${port}`,
    demoDir: env.LANYARD_DEMO_DIR ?? join(root, '.lanyard', 'demo'),
    databaseUrl: env.DATABASE_URL || null,
  };
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (line: string) => say(`› ${line}`);

export async function runDemo(): Promise<void> {
  const s = settingsFromEnv(process.env);
  const started = Date.now();
  let api: ChildProcess | null = null;
  let smtp: SmtpSink | null = null;
  let community: DemoCommunity | null = null;
  let ready = false;
  let stopping = false;
  let failed = false;

  const stopSide = async () => {
    await Promise.allSettled([community?.nexudus.stop(), community?.spacebring.stop(), smtp?.stop()]);
  };
  const apiRunning = () => api !== null && api.exitCode === null && api.signalCode === null;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      if (apiRunning()) process.kill(-api!.pid!, 'SIGKILL'); // a second Ctrl-C: no more waiting
      return;
    }
    stopping = true;
    say(`\n› Stopping the demo (${signal})…`);
    if (apiRunning()) api!.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
    else {
      await stopSide();
      process.exit(ready ? 0 : 1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  process.on('exit', () => {
    if (apiRunning()) process.kill(-api!.pid!, 'SIGTERM');
  });

  try {
    // ---- data ------------------------------------------------------------------------------
    resetDemoDir(s.demoDir);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(s.port),
      HOST: process.env.HOST ?? '127.0.0.1',
      RADIUS_HOST: process.env.RADIUS_HOST ?? '127.0.0.1',
      RADIUS_AUTH_PORT: String(s.radiusAuthPort),
      RADIUS_ACCT_PORT: String(s.radiusAcctPort),
      RADIUS_METRICS_PORT: String(s.radiusMetricsPort),
      RADIUS_JOURNAL_DIR: process.env.RADIUS_JOURNAL_DIR ?? join(s.demoDir, 'radius-journal'),
      LANYARD_DATA_DIR: s.demoDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    if (s.databaseUrl) {
      const how = await prepareExternalDatabase(s.databaseUrl);
      step(
        `Using DATABASE_URL (${how === 'reset' ? 'the previous demo in it was reset' : 'an empty database'})`,
      );
      env.LANYARD_SECRET_KEY ??= randomBytes(32).toString('hex');
    } else {
      step(`Embedded PostgreSQL in ${relative(process.cwd(), s.demoDir) || '.'} (reset at every demo start)`);
      delete env.LANYARD_SECRET_KEY;
    }

    // ---- mail and simulators ----------------------------------------------------------------
    const mail = new MailPrinter(say);
    if (process.env.SMTP_URL) step('Mail goes to your SMTP_URL');
    else {
      smtp = await startSmtpSink({
        onMail: (m) => mail.onMail(m),
      });
      env.SMTP_URL = smtp.url();
      step(`SMTP sink on ${env.SMTP_URL}: every mail is printed here`);
    }
    community = createDemoCommunity();
    const nexudusUrl = await community.nexudus.start(Number(process.env.DEMO_NEXUDUS_PORT ?? 0));
    const spacebringUrl = await community.spacebring.start(Number(process.env.DEMO_ANDCARDS_PORT ?? 0));
    step(`Nexudus simulator on ${nexudusUrl}, Andcards (Spacebring) simulator on ${spacebringUrl}`);

    // ---- the system, as npm start runs it -------------------------------------------------------
    const logFile = join(s.demoDir, 'lanyard.log');
    api = spawn(process.execPath, ['--enable-source-maps', join(root, 'api/dist/main.js')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: Ctrl-C reaches only this launcher, which asks the API to stop; the API
      // then stops RADIUS, drains its jobs and only then its embedded PostgreSQL. (Were PostgreSQL
      // to get the Ctrl-C too, it would shut down under jobs still writing to it.)
      detached: true,
    });
    step(`Started Lanyard, pid ${api.pid} (log: ${relative(process.cwd(), logFile)})`);
    const log = createWriteStream(logFile, { flags: 'a' });
    for (const stream of [api.stdout!, api.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.write(line + '\n');
        // While stopping, PostgreSQL (Ctrl-C reaches it too) drops connections: expected, not shown.
        if (!stopping) echoLogLine(line);
      });
    }
    const exited = new Promise<number>((resolve) =>
      api!.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1))),
    );
    void exited.then(async (code) => {
      await stopSide();
      log.end();
      if (stopping && code === 0) say(failed ? '› Stopped.' : '› Demo stopped cleanly.');
      else say(`› Lanyard exited with code ${code}${stopping ? '' : ' (see the log above)'}`);
      process.exit(failed ? 1 : stopping ? code : code || 1);
    });
    await poll('Lanyard /healthz', 180_000, async () => {
      if (api!.exitCode !== null) throw new Error('Lanyard exited during start-up');
      return (await fetch(`${s.localUrl}/healthz`).catch(() => null))?.ok ? true : undefined;
    });

    // ---- setup through the public API ------------------------------------------------------------
    const password = `demo-${randomBytes(9).toString('base64url')}`;
    const token: string = (
      await graphqlClient(`${s.localUrl}/graphql`)(
        `mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { token } }`,
        {
          i: { email: DEMO_OWNER_EMAIL, password },
        },
      )
    ).setupFirstAdmin.token;
    const gql: Gql = graphqlClient(`${s.localUrl}/graphql`, token);
    step(`Owner admin ${DEMO_OWNER_EMAIL} created`);

    const c = community;
    const toLocal = (url: string) => (process.env.PUBLIC_URL ? url : url.replace(s.publicUrl, s.localUrl)); // simulators → loopback
    const nexudus = (
      await gql(CREATE_INTEGRATION, {
        i: {
          kind: 'NEXUDUS',
          name: 'Nexudus (simulator)',
          baseUrl: nexudusUrl,
          credentials: c.nexudusLogin,
          webhookSecret: c.webhookSecrets.nexudus,
          settings: {
            planMappings: c.noWifiPlanIds.nexudus.map((planExternalId) => ({
              planExternalId,
              noAccess: true,
            })),
            checkInAccess: true,
            credentialEmail: true,
          },
        },
      })
    ).createIntegration;
    for (const e of nexudus.integration.webhookEndpoints as Array<{ event: string; url: string }>) {
      const action = (WEBHOOK_ACTIONS as Record<string, number>)[e.event];
      if (action)
        c.nexudus.registerWebhook({
          url: toLocal(e.url),
          action,
          name: `Lanyard ${e.event}`,
          secret: c.webhookSecrets.nexudus,
        });
    }
    const andcards = (
      await gql(CREATE_INTEGRATION, {
        i: {
          kind: 'ANDCARDS',
          name: 'Andcards (simulator)',
          baseUrl: spacebringUrl,
          credentials: c.spacebringLogin,
          webhookSecret: c.webhookSecrets.spacebring,
          settings: {
            planMappings: c.noWifiPlanIds.spacebring.map((planExternalId) => ({
              planExternalId,
              noAccess: true,
            })),
            credentialEmail: true,
          },
        },
      })
    ).createIntegration;
    c.spacebring.registerWebhook(toLocal(andcards.integration.webhookUrl), c.webhookSecrets.spacebring);
    step('Integrations created (Nexudus and Andcards), webhooks registered in the simulators; first syncs…');

    const finished = async (name: string, runId: string) => {
      const run = await poll(`sync of ${name}`, 120_000, async () => {
        const r = (await gql(SYNC_RUN, { id: runId })).syncRun;
        return ['QUEUED', 'RUNNING'].includes(r.status) ? undefined : r;
      });
      if (run.status !== 'SUCCEEDED') throw new Error(`sync of ${name}: ${run.status} ${run.error ?? ''}`);
      return run;
    };
    for (const created of [nexudus, andcards]) {
      const run = await finished(created.integration.name, created.run.id);
      step(`${created.integration.name}: first sync succeeded, ${run.created} members created`);
    }

    // ---- locations: time zones (Nexudus gives none), SSIDs, colours --------------------------------
    const locationOf = async (integrationId: string) =>
      (await gql(MAPPINGS, { id: integrationId })).integration.locationMappings[0].location as { id: string };
    const london: LocationInfo = (
      await gql(UPDATE_LOCATION, {
        i: {
          id: (await locationOf(nexudus.integration.id)).id,
          timezone: LONDON.timezone,
          ssids: LONDON.ssids,
          ...LONDON.vlans,
          branding: {
            primaryColor: '#1d4ed8',
            welcomeText: 'Welcome to Soho. Your WiFi key is one email away.',
          },
        },
      })
    ).updateLocation.location;
    const berlin: LocationInfo = (
      await gql(UPDATE_LOCATION, {
        i: {
          id: (await locationOf(andcards.integration.id)).id,
          ssids: BERLIN.ssids,
          ...BERLIN.vlans,
          branding: { primaryColor: '#b91c1c', welcomeText: 'Willkommen in Mitte.' },
        },
      })
    ).updateLocation.location;
    step(
      `Time zone of ${london.name} set to ${london.timezone} (Nexudus gives none); SSIDs, VLANs, colours set`,
    );
    // Teams and companies get their VLANs from the new pools on the next sync.
    for (const created of [nexudus, andcards]) {
      const run = (
        await gql(`mutation($id: ID!) { runSync(integrationId: $id) { id } }`, { id: created.integration.id })
      ).runSync;
      await finished(created.integration.name, run.id);
    }
    step('Synced again: teams and companies have their VLANs');

    const nasSecret = randomBytes(18).toString('base64url');
    await gql(`mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`, {
      i: {
        locationId: london.id,
        name: 'Demo access point (radclient on this machine)',
        ipAddress: '127.0.0.1',
        vendor: 'generic',
        secret: nasSecret,
      },
    });
    step(`NAS client 127.0.0.1 at ${london.name} created`);

    // ---- people to try: checked against Lanyard's own decision ------------------------------------
    const locations = { london, berlin };
    const choose = async (
      candidates: SampleMember[],
      wantAccess: boolean,
      skip: ChosenMember | null = null,
    ): Promise<ChosenMember | null> => {
      for (const cand of candidates.filter((x) => x.email !== skip?.email).slice(0, 10)) {
        const loc = locations[cand.location];
        const nodes = (await gql(MEMBER_BY_EMAIL, { s: cand.email, l: loc.id })).members.nodes as any[];
        const m = nodes.find((n) => n.email.toLowerCase() === cand.email.toLowerCase());
        if (m && m.accessAt.allowed === wantAccess)
          return {
            ...cand,
            id: m.id,
            username: m.username,
            portalUrl: loc.portalUrl,
            vlanId: m.accessAt.vlanId,
          };
      }
      return null;
    };
    const onPlan = await choose(c.samples.plan, true);
    const booking = await choose(c.samples.booking, true);
    const dayPass = await choose(c.samples.dayPass, true);
    const virtualOffice = await choose(c.samples.virtualOffice, false);
    const webhookVictim = await choose(
      c.samples.plan.filter((m) => m.contractId),
      true,
      onPlan,
    );
    if (!onPlan || !webhookVictim) throw new Error('no London members with access were found');
    const passphrase: string = (
      await gql(`mutation($id: ID!) { revealMemberPassphrase(memberId: $id) }`, { id: onPlan.id })
    ).revealMemberPassphrase;

    // The access point answers once the RADIUS worker has loaded the new NAS client and members.
    await poll('RADIUS Access-Accept for the sample member', 60_000, async () =>
      (await papRequest({
        port: s.radiusAuthPort,
        secret: nasSecret,
        username: onPlan.username,
        password: passphrase,
      })) === 2
        ? true
        : undefined,
    );

    const count = async (filter: Record<string, unknown>) =>
      (await gql(COUNT, { f: filter })).members.totalCount as number;
    const counts = {
      nexudus: await count({ integrationId: nexudus.integration.id }),
      andcards: await count({ integrationId: andcards.integration.id }),
      withAccess: await count({ hasAccess: true }),
    };
    // Mail queued so far (the credential emails of the first syncs) is counted, not printed.
    if (smtp) {
      const askedAt = Date.now();
      const backlog: Array<{ toAddress: string; subject: string }> = [];
      for (let after: string | null = null; ;) {
        const page: any = (await gql(PENDING_MAIL, { after })).outboxMessages;
        backlog.push(...page.nodes);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      mail.startPrinting(backlog, askedAt);
    }

    // ---- the summary ------------------------------------------------------------------------------
    const u = s.publicUrl;
    const radclientCmd =
      `echo 'User-Name = "${onPlan.username}", User-Password = "${radiusQuote(passphrase)}", ` +
      `Message-Authenticator = 0x00' | radclient -x 127.0.0.1:${s.radiusAuthPort} auth ${nasSecret}`;
    const person = (label: string, m: ChosenMember | null) =>
      m
        ? [
            `  ${label.padEnd(16)}${m.email}  (${m.fullName}: ${m.note}${m.vlanId ? `; VLAN ${m.vlanId}` : ''})`,
            `  ${''.padEnd(16)}→ ${m.portalUrl}`,
          ]
        : [];
    const lines = [
      '',
      '━━━ Lanyard demo ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━',
      `  Admin app       ${u}/admin/`,
      `    sign in as    ${DEMO_OWNER_EMAIL}`,
      `    password      ${password}`,
      `  Portals         ${london.portalUrl}   (${london.name}, ${london.timezone}, Nexudus)`,
      `                  ${berlin.portalUrl}   (${berlin.name}, ${berlin.timezone}, Andcards)`,
      `  GraphQL         ${u}/graphql`,
      `  Metrics         ${u}/metrics        Health ${u}/healthz`,
      `  RADIUS          udp 127.0.0.1:${s.radiusAuthPort} (auth), ${s.radiusAcctPort} (accounting)`,
      `  Simulators      Nexudus ${nexudusUrl} (${c.nexudusLogin.email} / ${c.nexudusLogin.password})`,
      `                  Andcards ${spacebringUrl}`,
      '',
      `  Members         ${counts.nexudus} from Nexudus, ${counts.andcards} from Andcards, ${counts.withAccess} with WiFi right now`,
      ...(smtp
        ? [
            `  Mail            printed below as it arrives, except the credential emails of the first syncs`,
            `                  (${mail.counted} sent so far, ${mail.backlogSize} on their way; all in Admin → Outbox)`,
          ]
        : ['  Mail            sent to SMTP_URL; copies in Admin → Outbox']),
      '',
      '  Sign in to a portal as (the sign-in link is printed below as soon as you ask for it):',
      ...person('on a plan', onPlan),
      ...person('booked today', booking),
      ...person('day pass', dayPass),
      ...person('no WiFi', virtualOffice),
      ...(virtualOffice
        ? [`  ${''.padEnd(16)}(no link is sent: the plan gives no WiFi; Admin → Members shows why)`]
        : []),
      '',
      `  Try the access point (FreeRADIUS radclient, PAP as ${onPlan.fullName}):`,
      `    ${radclientCmd}`,
      '',
      `  Try a webhook: end the plan of ${webhookVictim.fullName} (${webhookVictim.email}) in Nexudus;`,
      '  the simulator notifies Lanyard, which takes their WiFi away within seconds:',
      `    curl -u '${c.nexudusLogin.email}:${c.nexudusLogin.password}' -X DELETE ${nexudusUrl}/api/billing/coworkercontracts/${webhookVictim.contractId}`,
      '',
      '  Ctrl-C stops everything. The next npm run demo starts over with fresh data.',
      '━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━',
      `${READY_LINE} (${Math.round((Date.now() - started) / 1000)} s)`,
    ];
    for (const line of lines) say(line);
    ready = true;
    await sleep(0);
  } catch (err) {
    if (stopping) return; // Ctrl-C during start-up: the exit handler finishes
    failed = true;
    process.stderr.write(
      `\n✗ The demo could not start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    if (apiRunning()) {
      stopping = true;
      api!.kill('SIGTERM');
    } else {
      await stopSide();
      process.exit(1);
    }
  }
}

/** radclient reads "..." strings with backslash escapes; the shell line is in single quotes. */
function radiusQuote(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/'/g, `'\\''`);
}

/** API log lines go to the log file; warnings and errors also to the console, shortened. */
function echoLogLine(line: string): void {
  let entry: { level?: number; msg?: string; err?: { message?: string } } | null = null;
  try {
    entry = JSON.parse(line);
  } catch {
    // not JSON: a start-up error printed as text
  }
  if (!entry || typeof entry.level !== 'number') {
    if (line.trim() && !line.includes('[migrator]')) process.stderr.write(`[lanyard] ${line}\n`);
    return;
  }
  if (entry.level >= 40)
    process.stderr.write(
      `[lanyard ${entry.level >= 50 ? 'error' : 'warn'}] ${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}\n`,
    );
}
