/**
 * The member portal in Debian's chromium against the real API (which serves the built SPA) and a
 * real SMTP server receiving the magic-link emails: sign in from the emailed link, reveal, copy,
 * rotate, download a profile, sign out; the same answer for an unknown email; a link works once;
 * a member without access is told why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { ok, startTestApi, type TestApi } from '../../../api/src/test-support/api-harness.js';
import {
  createLocation,
  createMemberWithAccess,
  setupOwner,
} from '../../../api/src/test-support/factories.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { freePort } from '../support/ports.js';
import { parts, startSmtpSink, type SmtpSink } from '../../../api/src/test-support/smtp-sink.js';

const portalDir = fileURLToPath(new URL('../../../portal-web/', import.meta.url));
const REVEAL = `mutation($id: ID!) { revealMemberPassphrase(memberId: $id) }`;

let t: TestApi;
let sink: SmtpSink;
let b: TestBrowser;
let owner: string;
let loc: { id: string; slug: string };

before(async () => {
  // The API serves portal-web/dist: build it from the current sources (vite is hoisted to the root).
  const built = spawnSync(
    process.execPath,
    ['../node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'],
    {
      cwd: portalDir,
      stdio: 'inherit',
    },
  );
  assert.equal(built.status, 0, 'portal-web builds');
  sink = await startSmtpSink();
  const port = await freePort();
  t = await startTestApi({
    env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: sink.url() },
  });
  owner = await setupOwner(t);
  loc = await createLocation(t, owner, { name: 'Soho Works', ssids: ['Soho Members'] });
  b = await launchBrowser();
});

after(async () => {
  await b?.close();
  await t?.stop();
  await sink?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b.browser.newContext({
    viewport: { width: 390, height: 844 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
  return { context, page: await context.newPage() };
}

const memberWithAccess = () => createMemberWithAccess(t, owner, loc.id);

/** Asks for a link on the sign-in page; returns the text the page shows afterwards. */
async function requestLink(page: Page, email: string): Promise<string> {
  await page.goto(`${t.url}/portal/${loc.slug}`);
  await page.getByLabel('Your email').fill(email);
  await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
  const status = page.getByRole('status').filter({ hasText: 'sign-in link is on its way' });
  await status.waitFor();
  return (await status.textContent())!;
}

async function linkFromMail(email: string, since: number): Promise<string> {
  const mail = await sink.waitFor(email, { since });
  const m = /https?:\/\/[^\s"'<>]+\/portal\/[a-z0-9-]+\/signin#token=[A-Za-z0-9_.~%-]+/.exec(
    parts(mail.raw).text ?? '',
  );
  assert.ok(m, 'the email holds a sign-in link with the token in the fragment');
  return m[0];
}

async function signIn(page: Page, email: string): Promise<string> {
  const since = sink.received.length;
  await requestLink(page, email);
  const link = await linkFromMail(email, since);
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: 'My WiFi' }).waitFor();
  return link;
}

describe('member portal in a browser', () => {
  it('signs in from the emailed link, reveals, copies, rotates, downloads a profile and signs out', async () => {
    const m = await memberWithAccess();
    const { context, page } = await newPage();
    try {
      await signIn(page, m.email);
      // The token left the address bar.
      assert.equal(new URL(page.url()).hash, '');
      assert.equal(new URL(page.url()).pathname, `/portal/${loc.slug}`);
      assert.match((await page.getByTestId('access').textContent())!, /^Active/);
      assert.ok(await page.getByText('Soho Members').first().isVisible());

      // Hidden until revealed.
      assert.equal(await page.getByTestId('passphrase').count(), 0);
      assert.ok(await page.getByText('Passphrase hidden').count());
      await page.getByRole('button', { name: 'Show passphrase' }).click();
      const shown = (await page.getByTestId('passphrase').textContent())!;
      const stored = ok(await t.gql(REVEAL, { id: m.id }, { token: owner })).revealMemberPassphrase as string;
      assert.equal(shown, stored);
      assert.ok(await page.getByRole('img', { name: 'QR code to join Soho Members' }).isVisible());

      await page.getByRole('button', { name: 'Copy passphrase' }).click();
      await page.getByRole('status').filter({ hasText: 'Passphrase copied' }).waitFor();
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), stored);

      // Rotate, through the confirmation dialog.
      await page.getByRole('link', { name: 'Change passphrase' }).click();
      await page.getByRole('heading', { level: 1, name: 'Change passphrase' }).waitFor();
      assert.equal(await page.evaluate('document.activeElement?.id'), 'page-heading');
      await page.getByRole('button', { name: 'Make a new passphrase' }).click();
      const dialog = page.getByRole('dialog', { name: 'Change your passphrase?' });
      await dialog.waitFor();
      assert.match((await dialog.textContent())!, /must reconnect/);
      await dialog.getByRole('button', { name: 'Make a new passphrase' }).click();
      await page.getByRole('status').filter({ hasText: 'Your new passphrase is saved' }).waitFor();
      const rotated = (await page.getByTestId('new-passphrase').textContent())!;
      assert.notEqual(rotated, stored);
      assert.equal(ok(await t.gql(REVEAL, { id: m.id }, { token: owner })).revealMemberPassphrase, rotated);

      // A profile download.
      await page.getByRole('link', { name: 'Set up a device' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download the profile for Apple devices' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /\.mobileconfig$/);

      // Sign out: back to the form, also after a reload.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Your email').waitFor();
      await page.reload();
      await page.getByLabel('Your email').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    } finally {
      await context.close();
    }
  });

  it('answers an unknown email with the same page', async () => {
    const m = await memberWithAccess();
    const { context, page } = await newPage();
    try {
      const known = await requestLink(page, m.email);
      const unknown = await requestLink(page, 'nobody-here@example.com');
      assert.equal(known.replace(m.email, 'EMAIL'), unknown.replace('nobody-here@example.com', 'EMAIL'));
    } finally {
      await context.close();
    }
  });

  it('a link works once: a second use explains and offers a new link', async () => {
    const m = await memberWithAccess();
    const first = await newPage();
    let link: string;
    try {
      link = await signIn(first.page, m.email);
    } finally {
      await first.context.close();
    }
    const second = await newPage();
    try {
      await second.page.goto(link);
      await second.page
        .getByRole('heading', { level: 1, name: 'This sign-in link was already used' })
        .waitFor();
      assert.ok(await second.page.getByLabel('Your email').isVisible());
      assert.equal(new URL(second.page.url()).hash, '');
    } finally {
      await second.context.close();
    }
  });

  it('a member without access sees why', async () => {
    // Links go only to members with access: the plan ends while the member is signed in.
    const m = await memberWithAccess();
    const { context, page } = await newPage();
    try {
      await signIn(page, m.email);
      ok(
        await t.gql(
          `mutation($i: UpdateAccessGrantInput!) { updateAccessGrant(input: $i) { accessGrant { id } } }`,
          { i: { id: m.grantId, endsAt: new Date(Date.now() - 60_000).toISOString() } },
          { token: owner },
        ),
      );
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'My WiFi' }).waitFor();
      assert.match(
        (await page.getByTestId('access').textContent())!,
        /^No access: your plan ended on \d{1,2} [A-Z][a-z]+/,
      );
    } finally {
      await context.close();
    }
  });
});
