/**
 * The admin app's integration screens in Debian's chromium, against the real API (real Andcards
 * connector) and the Spacebring simulator: the guided setup's last step connects the platform,
 * the first run's log streams in over graphql-ws until it SUCCEEDS with its counts, and a run held
 * by the safety check is discarded from its page.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ok, startTestApi, type TestApi } from '../../../api/src/test-support/api-harness.js';
import {
  createAdmin,
  createLocation,
  OWNER_PASSWORD,
  setupOwner,
} from '../../../api/src/test-support/factories.js';
import { SpacebringSimulator } from '../simulators/spacebring/spacebring-simulator.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';

const OWNER_EMAIL = 'owner@example.com';
const built = fileURLToPath(new URL('../../../admin-web/dist/index.html', import.meta.url));

let t: TestApi;
let b: TestBrowser;
let sim: SpacebringSimulator;
let owner: string;
let integrationId: string;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);

before(async () => {
  assert.ok(existsSync(built), 'admin-web is not built: run npx turbo run build');
  t = await startTestApi();
  b = await launchBrowser();
  owner = await setupOwner(t, OWNER_EMAIL);
  sim = new SpacebringSimulator({ seed: 7 });
  sim.seedCommunity({ locations: 1, membersPerLocation: 6 });
  sim.rateLimit.enabled = false;
  await sim.start();
});
after(async () => {
  await b?.close();
  await sim?.stop();
  await t?.stop();
});

async function signIn(page: Page, email = OWNER_EMAIL, password = OWNER_PASSWORD) {
  await page.goto(`${t.url}/admin/`);
  await page.getByRole('heading', { name: 'Sign in to Lanyard' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

/** Text frames the page received on its graphql-ws socket(s). */
function recordSocketFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/graphql')) return;
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string') frames.push(f.payload);
    });
  });
  return frames;
}

const runStatus = (page: Page, status: string) =>
  page.getByTestId('run-status').locator(`[data-status="${status}"]`);

describe('admin app: integrations', () => {
  it('connects Andcards in the guided setup and watches the first run live until it succeeds', async () => {
    await createLocation(t, owner, { name: 'Main Street' });
    const ctx = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const frames = recordSocketFrames(page);
    try {
      await signIn(page);
      await page.goto(`${t.url}/admin/setup`);
      await page.getByRole('button', { name: 'Use “Main Street”' }).click();
      await page.getByRole('button', { name: 'Skip this step' }).click();
      await page.getByRole('heading', { name: 'Set up your WiFi' }).waitFor();

      const form = page.getByRole('form', { name: 'Connect a platform' });
      await form.getByText('Andcards (Spacebring)').click();
      await form.getByLabel(/^Name/).fill('Andcards test');
      await form.getByLabel(/^Client id/).fill(sim.state.clientId);
      await form.getByLabel(/^Client secret/).fill(sim.state.clientSecret);
      await form.getByRole('button', { name: 'Advanced' }).click();
      await form.getByLabel(/^API address/).fill(sim.url);
      // Slow the first run's reads down, so its lines arrive while the run page watches.
      sim.delayNext(700, { path: /^\/(community|locations|plans|subscriptions|resources)\//, times: 5 });
      await form.getByRole('button', { name: 'Connect and sync' }).click();

      await page.getByRole('heading', { name: 'Sync run · Andcards test' }).waitFor();
      await runStatus(page, 'SUCCEEDED').waitFor({ timeout: 60_000 });

      const [integration] = await sql('select id, kind, base_url from integration');
      integrationId = integration.id;
      assert.equal(integration.kind, 'ANDCARDS');
      assert.equal(integration.base_url, sim.url);
      const [run] = await sql(
        'select id, status, created from sync_run where integration_id = ? order by id desc limit 1',
        [integrationId],
      );
      assert.equal(run.status, 'SUCCEEDED');
      assert.ok(run.created > 0, JSON.stringify(run));
      assert.match(page.url(), new RegExp(`/admin/sync-runs/${run.id}$`));

      // Every stored line shown once, in order (the stored page and the live stream merged by seq).
      const stored = (
        await sql('select seq from sync_log_entry where run_id = ? order by seq', [run.id])
      ).map((r) => Number(r.seq));
      assert.ok(stored.length > 0);
      const log = page.getByRole('log', { name: 'Log' });
      await log.locator(`[data-seq="${stored[stored.length - 1]}"]`).waitFor();
      const shown = await log
        .locator('[data-seq]')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
      assert.deepEqual(shown, stored);
      assert.equal((await page.locator('[data-count="created"]').innerText()).trim(), String(run.created));

      // The lines came over the WebSocket subscription, not only from the stored log.
      const live = frames
        .map(
          (f) => JSON.parse(f) as { type: string; payload?: { data?: { syncRunEvents?: { seq: number } } } },
        )
        .filter((m) => m.type === 'next' && m.payload?.data?.syncRunEvents);
      assert.ok(
        live.some((m) => typeof m.payload!.data!.syncRunEvents!.seq === 'number'),
        `no live log line among ${frames.length} frames`,
      );
      assert.ok(
        live.some((m) => (m.payload!.data!.syncRunEvents as { status?: string }).status === 'SUCCEEDED'),
      );
    } finally {
      await ctx.close();
    }
  });

  it('a run held by the safety check shows why and is discarded from its page', async () => {
    assert.ok(integrationId, 'needs the integration of the previous test');
    ok(
      await t.gql(
        `mutation($i: UpdateIntegrationInput!) { updateIntegration(input: $i) { integration { id } } }`,
        { i: { id: integrationId, settings: { safetyThresholdPercent: 1, safetyMinimumPeople: 1 } } },
        { token: owner },
      ),
    );
    const [before] = await sql(`select count(*)::int n from member where status = 'ACTIVE'`);
    for (const m of sim.state.memberships.filter((x) => x.type === 'member').slice(0, 3))
      sim.deleteMembership(m.id);

    const ctx = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    try {
      await signIn(page);
      await page.goto(`${t.url}/admin/integrations/${integrationId}`);
      await page.getByRole('heading', { name: 'Andcards test' }).waitFor();
      await page.getByText('Connected', { exact: true }).first().waitFor();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByRole('heading', { name: 'Sync run · Andcards test' }).waitFor();
      await runStatus(page, 'HELD').waitFor({ timeout: 60_000 });
      assert.ok((await page.getByTestId('held-reason').innerText()).trim().length > 0);

      await page.getByRole('button', { name: 'Discard' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Discard' }).click();
      await runStatus(page, 'DISCARDED').waitFor({ timeout: 30_000 });
      const [afterCount] = await sql(`select count(*)::int n from member where status = 'ACTIVE'`);
      assert.equal(afterCount.n, before.n, 'a discarded run changes nobody');
    } finally {
      await ctx.close();
    }
  });

  it('a viewer sees the integration, its settings and runs, but no control that changes them', async () => {
    assert.ok(integrationId, 'needs the integration of the first test');
    const viewer = await createAdmin(t, owner, 'VIEWER');
    const ctx = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    try {
      await signIn(page, viewer.email, 'admin-password-123');
      await page.goto(`${t.url}/admin/integrations/${integrationId}`);
      await page.getByRole('heading', { name: 'Andcards test' }).waitFor();
      await page.getByRole('table', { name: 'Sync runs' }).waitFor();
      await page.getByText('Your role can look but not change anything here.').waitFor();
      for (const name of ['Sync now', 'Save settings', 'Delete', 'Turn off', 'Add a plan', 'Save secret'])
        assert.equal(await page.getByRole('button', { name }).count(), 0, name);
      assert.equal(await page.getByRole('link', { name: 'Email templates' }).count(), 0);
    } finally {
      await ctx.close();
    }
  });

  it('warns that webhook deliveries go unverified until a signing secret is saved', async () => {
    assert.ok(integrationId, 'needs the integration of the first test');
    const ctx = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    try {
      await signIn(page);
      await page.goto(`${t.url}/admin/integrations/${integrationId}`);
      await page.getByRole('heading', { name: 'Andcards test' }).waitFor();
      const warning = page.getByRole('alert').filter({ hasText: 'Needs attention' });
      await warning.waitFor();
      assert.match(await warning.innerText(), /without a signing secret/);
      await page.getByLabel(/^Webhook signing secret/).fill('whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=');
      await page.getByRole('button', { name: 'Save secret' }).click();
      await page.getByText('Signing secret saved.').waitFor();
      await warning.waitFor({ state: 'detached' });
    } finally {
      await ctx.close();
    }
  });

  it('edits an email template with a live, sandboxed preview', async () => {
    const ctx = await b.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    try {
      await signIn(page);
      await page.getByRole('link', { name: 'Email templates' }).click();
      await page.getByRole('heading', { name: 'Email templates' }).waitFor();
      await page.getByLabel('Subject').fill('Hello {{ member_name }}, your WiFi');
      await page
        .getByTestId('preview-subject')
        .filter({ hasText: 'Hello Ada Lovelace, your WiFi' })
        .waitFor();
      const frame = page.locator('iframe[title="HTML preview"]');
      assert.equal(await frame.getAttribute('sandbox'), '');
      await page.frameLocator('iframe[title="HTML preview"]').getByText('Ada Lovelace').first().waitFor();
      await page.getByRole('button', { name: 'Save template' }).click();
      await page.getByRole('status').filter({ hasText: 'Template saved.' }).waitFor();
      const saved = ok(
        await t.gql(`{ emailTemplates { key subject customized } }`, {}, { token: owner }),
      ).emailTemplates.find((x: { key: string }) => x.key === 'member-credentials');
      assert.deepEqual(saved, {
        key: 'member-credentials',
        subject: 'Hello {{ member_name }}, your WiFi',
        customized: true,
      });
    } finally {
      await ctx.close();
    }
  });
});
