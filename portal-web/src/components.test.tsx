/**
 * Component tests: screens rendered to HTML (react-dom/server) and checked for what a member and a
 * screen reader get — labels tied to fields, status text, the hidden passphrase. Interaction is
 * covered by the browser tests in tests/src/browser/portal.browser.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { SignInScreen } from './components/SignInScreen';
import type { PortalLocation } from './magic-link';
import type { PortalMe } from './member/documents';
import { DevicesScreen } from './member/DevicesScreen';
import { HomeScreen } from './member/HomeScreen';
import type { PassphraseState } from './member/MemberArea';
import { PassphraseScreen, StrengthMeter } from './member/PassphraseScreen';
import { SetupScreen } from './member/SetupScreen';

const location: PortalLocation = {
  name: 'Soho Works',
  slug: 'soho',
  ssids: ['Soho Members', 'Soho 5G'],
  logoUrl: null,
  primaryColor: '#2453c7',
  accentColor: null,
};

const me: PortalMe = {
  email: 'ada@example.com',
  fullName: 'Ada Lovelace',
  username: 'ada@example.com',
  location,
  timezone: 'Europe/London',
  access: {
    state: 'ACTIVE',
    reason: 'ALLOWED',
    grantKind: 'MEMBERSHIP',
    validUntil: '2026-06-30T16:00:00Z',
    endedAt: null,
  },
  hasPassphrase: true,
  passphraseUpdatedAt: '2026-05-01T09:00:00Z',
  devices: [
    {
      id: 'd1',
      macAddress: '3C:22:FB:12:34:56',
      name: 'Work laptop',
      learnedBy: 'PPSK_MATCH',
      firstSeenAt: '2026-05-01T09:00:00Z',
      lastSeenAt: '2026-05-09T13:05:00Z',
    },
    {
      id: 'd2',
      macAddress: 'AA:BB:CC:DD:EE:FF',
      name: null,
      learnedBy: 'PORTAL',
      firstSeenAt: null,
      lastSeenAt: null,
    },
  ],
};

const pass = (value: string | null): PassphraseState => ({
  value,
  loading: false,
  error: null,
  reveal: async () => value,
  hide: () => undefined,
  replace: () => undefined,
});

const client = new ApolloClient({
  link: new ApolloLink(() => {
    throw new Error('no requests while rendering');
  }),
  cache: new InMemoryCache(),
});
const render = (node: ReactNode) =>
  renderToStaticMarkup(<ApolloProvider client={client}>{node}</ApolloProvider>);
const now = new Date('2026-05-10T10:00:00Z');

/** Every <input>/<select> with an id has a <label for> with that id. */
function assertLabelled(html: string) {
  const ids = [...html.matchAll(/<(?:input|select)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(ids.length > 0, 'has form fields');
  for (const id of ids) assert.ok(html.includes(`for="${id}"`), `field ${id} has a label`);
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('sign-in screen', () => {
  it('asks for the email with a labelled field and the location name', () => {
    const html = render(<SignInScreen location={location} />);
    assertLabelled(html);
    assert.match(html, /<h1[^>]*>WiFi at Soho Works<\/h1>/);
    assert.match(html, /type="email"[^>]*autoComplete="email"|autocomplete="email"/i);
    assert.match(text(html), /Send me a sign-in link/);
  });

  it('after an expired link: says what happened and offers the form again', () => {
    const html = render(
      <SignInScreen
        location={location}
        notice={{ title: 'This sign-in link has expired', body: 'Enter your email below' }}
      />,
    );
    assert.match(html, /<h1[^>]*>This sign-in link has expired<\/h1>/);
    assert.match(text(html), /Enter your email below/);
    assertLabelled(html);
  });

  it('"check your email" is a status that does not depend on whether the email is known', () => {
    const known = render(
      <SignInScreen location={location} initial={{ kind: 'sent', email: 'a@example.com' }} />,
    );
    const unknown = render(
      <SignInScreen location={location} initial={{ kind: 'sent', email: 'b@example.com' }} />,
    );
    assert.match(known, /role="status"/);
    assert.match(text(known), /Check your email/);
    assert.equal(known.replace('a@example.com', 'X'), unknown.replace('b@example.com', 'X'));
  });

  it('a rate-limited request is explained in words', () => {
    const html = render(
      <SignInScreen
        location={location}
        initial={{
          kind: 'error',
          message: 'Too many sign-in requests. Please wait 15 minutes and try again.',
          field: false,
        }}
      />,
    );
    assert.match(html, /role="alert"[^>]*>Too many sign-in requests/);
  });
});

describe('home screen', () => {
  it('hides the passphrase with screen-reader text, and shows access in words', () => {
    const html = render(<HomeScreen me={me} passphrase={pass(null)} now={now} />);
    assert.match(text(html), /Passphrase hidden/);
    assert.match(html, /aria-hidden="true">•+/);
    assert.match(html, /aria-expanded="false"[^>]*>Show passphrase/);
    assert.match(text(html), /Active until 30 June/);
    assert.match(text(html), /Soho Members/);
    assert.match(text(html), /ada@example\.com/);
    assert.match(text(html), /Show the passphrase to see the QR code/);
    assert.doesNotMatch(html, /<img class="qr"/);
  });

  it('revealed: the passphrase, and a QR code with a text alternative', () => {
    const html = render(<HomeScreen me={me} passphrase={pass('plum-violin-stone-42')} now={now} />);
    assert.match(html, /plum-violin-stone-42/);
    assert.match(html, /aria-expanded="true"[^>]*>Hide passphrase/);
    assert.match(html, /<img class="qr" src="data:image\/svg\+xml[^"]+" alt="QR code to join Soho Members"/);
    assertLabelled(html);
  });

  it('a member without access sees why', () => {
    const html = render(
      <HomeScreen
        me={{ ...me, access: { state: 'NO_ACCESS', reason: 'GRANT_ENDED', endedAt: '2026-05-03T15:00:00Z' } }}
        passphrase={pass(null)}
        now={now}
      />,
    );
    assert.match(text(html), /No access: your plan ended on 3 May/);
  });
});

describe('passphrase screen', () => {
  it('shows the rules next to a labelled field', () => {
    const html = render(<PassphraseScreen me={me} passphrase={pass(null)} />);
    assertLabelled(html);
    assert.match(text(html), /8 to 63 characters/);
    assert.match(text(html), /Make a new passphrase/);
    assert.match(html, /<dialog/);
  });

  it('the strength meter names the level and each problem in words', () => {
    const html = renderToStaticMarkup(
      <StrengthMeter
        check={{
          acceptable: false,
          score: 1,
          problems: ['PASSPHRASE_TOO_SHORT', 'PASSPHRASE_TOO_COMMON', 'NEW_CODE'],
        }}
        checking={false}
        describedBy="s"
      />,
    );
    assert.match(html, /aria-valuetext="Weak"/);
    assert.match(text(html), /Use at least 8 characters/);
    assert.match(text(html), /common password/);
    assert.match(text(html), /Not accepted \(NEW_CODE\)/);
  });
});

describe('devices screen', () => {
  it('lists devices with MAC, how they were learned and when last seen, each with a named remove button', () => {
    const html = render(<DevicesScreen me={me} now={now} />);
    assert.match(text(html), /3C:22:FB:12:34:56/);
    assert.match(text(html), /Joined the WiFi/);
    assert.match(text(html), /9 May, 14:05/);
    assert.match(text(html), /Not yet/);
    assert.match(html, /aria-label="Remove Work laptop \(3C:22:FB:12:34:56\)"/);
    assert.match(html, /aria-label="Remove AA:BB:CC:DD:EE:FF"/);
    assertLabelled(html);
  });
});

describe('set-up screen', () => {
  it('offers the Apple and Windows profiles and Android steps with the QR code', () => {
    const html = render(<SetupScreen me={me} passphrase={pass('p')} />);
    assert.match(text(html), /Download the profile for Apple devices/);
    assert.match(text(html), /Download the profile for Windows/);
    assert.match(html, /<img class="qr"/);
    assertLabelled(html);
  });
});
