/**
 * The admin app in Debian's chromium against a real API serving the built SPA: the first run
 * (owner → location → access point with its configuration snippet), finding a member and rotating
 * their passphrase, every list page with rows or its empty state, deleting a row, and a viewer who
 * sees no mutating controls and is told why when forced.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ok, startTestApi, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { createAdmin, createLocation, createMember } from '../../../api/src/test-support/factories.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';

const OWNER = { email: 'owner@example.com', password: 'correct horse battery' };
const built = fileURLToPath(new URL('../../../admin-web/dist/index.html', import.meta.url));

let t: TestApi;
let b: TestBrowser;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);

before(async () => {
  assert.ok(existsSync(built), 'admin-web is not built: run npx turbo run build');
  t = await startTestApi();
  b = await launchBrowser();
});
after(async () => {
  await b?.close();
  await t?.stop();
});

async function ownerToken(): Promise<string> {
  return ok(await t.gql(`mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: OWNER })).login
    .token;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${t.url}/admin/`);
  await page.getByRole('heading', { name: 'Sign in to Lanyard' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

describe('admin app', () => {
  it('first run: owner, then a location and an access point with its secret and snippet', async () => {
    const ctx = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    try {
      await page.goto(`${t.url}/admin/`);
      await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel(/^Password/).fill(OWNER.password);
      await page.getByLabel('Repeat the password').fill(OWNER.password);
      await page.getByRole('button', { name: 'Create the owner account' }).click();

      await page.getByRole('heading', { name: 'Set up your WiFi' }).waitFor();
      await page.getByLabel('Name').fill('Soho, London');
      assert.equal(await page.getByLabel('Slug').inputValue(), 'soho-london');
      const ssids = page.getByLabel(/^SSIDs/).and(page.locator('input'));
      await ssids.fill('Members');
      await ssids.press('Enter');
      await page.getByRole('button', { name: 'Add a location' }).click();

      await page.getByLabel('IP address or network').waitFor();
      await page.getByLabel(/^Name/).fill('Lobby AP');
      await page.getByLabel('IP address or network').fill('192.168.10.2');
      await page.getByRole('button', { name: 'Add an access point' }).click();

      const snippet = page.getByLabel('Configuration', { exact: true });
      await snippet.waitFor();
      const text = await snippet.innerText();
      assert.match(text, /wpa_psk_radius=3/);
      assert.match(text, /auth_server_addr=127\.0\.0\.1/);
      assert.match(text, /auth_server_port=1812/);
      assert.match(text, /acct_server_port=1813/);
      const secret = (await page.getByLabel('Shared secret', { exact: true }).innerText()).trim();
      assert.ok(secret.length >= 24, secret);
      assert.ok(text.includes(`auth_server_shared_secret=${secret}`));

      const [loc] = await sql(`select slug, ssids from location`);
      assert.equal(loc.slug, 'soho-london');
      const [nas] = await sql(`select name, ip_address, vendor from nas_client`);
      assert.deepEqual(nas, { name: 'Lobby AP', ip_address: '192.168.10.2', vendor: 'hostapd' });

      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Connect and sync' }).waitFor();
    } finally {
      await ctx.close();
    }
  });

  it('finds a member and rotates their passphrase', async () => {
    const token = await ownerToken();
    const loc = await createLocation(t, token);
    const member = await createMember(t, token, [loc.id], { fullName: 'Ada Lovelace' });
    await createMember(t, token, [loc.id], { fullName: 'Grace Hopper' });
    const [{ passphrase_version: before }] = await sql('select passphrase_version from member where id = ?', [
      member.id,
    ]);

    const ctx = await b.browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await ctx.newPage();
    try {
      await signIn(page, OWNER.email, OWNER.password);
      await page.goto(`${t.url}/admin/members`);
      await page.getByLabel('Search').fill('lovelace');
      await page.getByRole('link', { name: 'Grace Hopper' }).waitFor({ state: 'detached' });
      await page.getByRole('link', { name: 'Ada Lovelace' }).click();
      await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();

      await page.getByRole('button', { name: 'Generate a new passphrase' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Generate a new passphrase' }).click();
      await page.getByRole('status').filter({ hasText: 'A new passphrase was generated.' }).waitFor();
      const [{ passphrase_version: afterV }] = await sql(
        'select passphrase_version from member where id = ?',
        [member.id],
      );
      assert.equal(Number(afterV), Number(before) + 1);

      await page.getByRole('button', { name: 'Reveal passphrase' }).click();
      const shown = (await page.getByLabel('WiFi passphrase', { exact: true }).innerText()).trim();
      assert.ok(shown.length >= 8);
      const audits = await sql(
        `select 1 from audit_event where action = 'revealMemberPassphrase' and target_id = ?`,
        [member.id],
      );
      assert.equal(audits.length, 1);
    } finally {
      await ctx.close();
    }
  });

  it('every list page shows its rows or says it has none; a row is deleted from its table', async () => {
    const token = await ownerToken();
    const group = ok(
      await t.gql(
        `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } } }`,
        { i: { name: 'Night owls' } },
        { token },
      ),
    ).createGroup.group;
    ok(
      await t.gql(
        `mutation { createApiKey(input: { name: "Door system", scopes: [READ] }) { key } }`,
        {},
        { token },
      ),
    );
    const ctx = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    try {
      await signIn(page, OWNER.email, OWNER.password);
      const pages: Array<[string, string, RegExp | string]> = [
        ['locations', 'Locations', 'soho-london'],
        ['access-points', 'Access points', 'Lobby AP'],
        ['groups', 'Groups', 'Night owls'],
        ['members', 'Members', 'Ada Lovelace'],
        ['api-keys', 'API keys', 'Door system'],
        ['audit', 'Audit log', 'createGroup'],
        ['admins', 'Administrators', OWNER.email],
        ['integrations', 'Integrations', /^No platform connected yet/],
        ['sessions', 'Sessions', 'No sessions.'],
        ['auth-events', 'Sign-in attempts', 'No sign-in attempts match.'],
        ['outbox', 'Outbox', 'No emails match.'],
      ];
      for (const [path, title, shown] of pages) {
        await page.goto(`${t.url}/admin/${path}`);
        await page.getByRole('heading', { name: title, exact: true }).waitFor();
        await page.getByText(shown).first().waitFor();
        assert.equal(await page.getByRole('alert').count(), 0, path);
      }

      await page.goto(`${t.url}/admin/groups`);
      const row = page.getByRole('row').filter({ hasText: 'Night owls' });
      await row.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await page.getByText('No groups yet.').waitFor();
      assert.equal((await sql('select id from access_group where id = ?', [group.id])).length, 0);
    } finally {
      await ctx.close();
    }
  });

  it('a viewer sees no mutating controls and is told why when forced', async () => {
    const token = await ownerToken();
    const loc = await createLocation(t, token);
    const member = await createMember(t, token, [loc.id], { fullName: 'Viewer Target' });
    const viewer = await createAdmin(t, token, 'VIEWER');

    const ctx = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    try {
      await signIn(page, viewer.email, 'admin-password-123');
      assert.equal(await page.getByRole('link', { name: 'Administrators' }).count(), 0);

      await page.goto(`${t.url}/admin/members/${member.id}`);
      await page.getByRole('heading', { name: 'Viewer Target' }).waitFor();
      await page.getByText('Access right now').waitFor();
      for (const name of [
        'Generate a new passphrase',
        'Reveal passphrase',
        'Disable',
        'Delete member',
        'Add a grant',
      ])
        assert.equal(await page.getByRole('button', { name }).count(), 0, name);

      await page.goto(`${t.url}/admin/locations`);
      await page.getByRole('cell', { name: loc.slug, exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Add a location' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /^Edit/ }).count(), 0);

      // Forced: the administrators page by its address.
      await page.goto(`${t.url}/admin/admins`);
      await page.getByRole('alert').filter({ hasText: 'Your role does not allow this' }).waitFor();
    } finally {
      await ctx.close();
    }
  });
});
