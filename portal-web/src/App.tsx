import { lazy, Suspense, useEffect, useState } from 'react';
import { brandTheme } from './branding';
import { Layout } from './components/Layout';
import { Screen } from './components/Screen';
import { SignInScreen } from './components/SignInScreen';
import {
  loadStart,
  redeemMagicLink,
  type PortalLocation,
  type RedeemOutcome,
  type StartOutcome,
} from './magic-link';
import { navigate, usePath } from './navigation';
import { parseRoute, pathOf, tokenFromHash, type Page } from './route';
import { strings } from './strings';

// The signed-in area (Apollo Client, QR codes) is a separate chunk: the first page stays small.
const MemberArea = lazy(() => import('./member/MemberArea'));
export const preloadMemberArea = () => void import('./member/MemberArea');

const BASE = import.meta.env.BASE_URL;

export function App() {
  const { pathname, hash } = usePath();
  const route = parseRoute(pathname, BASE);
  if (route.name === 'location')
    return <LocationApp key={route.slug} slug={route.slug} page={route.page} hash={hash} />;
  const copy = route.name === 'badLink' ? strings.badSlug : strings.noSlug;
  return (
    <Layout location={null}>
      <Screen title={copy.title} place={strings.brand}>
        <p>{copy.body}</p>
        {route.name === 'noSlug' ? (
          <p>
            <code className="example">{strings.noSlug.example(window.location.origin)}</code>
          </p>
        ) : null}
      </Screen>
    </Layout>
  );
}

function useBranding(location: PortalLocation | null) {
  useEffect(() => {
    const { vars } = brandTheme(location?.primaryColor, location?.accentColor);
    const root = document.documentElement;
    for (const [k, v] of Object.entries(vars)) root.style.setProperty(k, v);
    root.classList.toggle('branded', '--brand' in vars);
    return () => {
      for (const k of Object.keys(vars)) root.style.removeProperty(k);
      root.classList.remove('branded');
    };
  }, [location?.primaryColor, location?.accentColor]);
}

const redeemNotice = (outcome: RedeemOutcome): { title: string; body: string } | null => {
  const r = strings.redeem;
  switch (outcome.kind) {
    case 'ok':
      return null;
    case 'expired':
      return { title: r.expiredTitle, body: r.expired };
    case 'used':
      return { title: r.usedTitle, body: r.used };
    case 'network':
      return { title: r.invalidTitle, body: r.network };
    case 'rateLimited':
      return { title: r.invalidTitle, body: strings.signIn.rateLimited };
    default:
      return { title: r.invalidTitle, body: r.invalid };
  }
};

function LocationApp({ slug, page, hash }: { slug: string; page: Page; hash: string }) {
  const [start, setStart] = useState<StartOutcome | null>(null);
  const [notice, setNotice] = useState<{ title: string; body: string } | null>(null);
  const token = page === 'signin' ? tokenFromHash(hash) : null;
  const [redeeming, setRedeeming] = useState(!!token);

  useEffect(() => {
    let live = true;
    async function go() {
      if (token) {
        setRedeeming(true);
        preloadMemberArea();
        const outcome = await redeemMagicLink(token).catch((): RedeemOutcome => ({ kind: 'network' }));
        if (!live) return;
        // The token leaves the address bar (and the history) whatever the outcome.
        navigate(
          outcome.kind === 'ok' ? pathOf(BASE, outcome.locationSlug, 'home') : pathOf(BASE, slug, 'signin'),
          {
            replace: true,
          },
        );
        setNotice(redeemNotice(outcome));
        setRedeeming(false);
        // Without the token in the address, this effect runs again and reads the session.
        return;
      }
      const s = await loadStart(slug).catch((): StartOutcome => ({ kind: 'network' }));
      if (!live) return;
      if (s.kind === 'ok' && s.signedIn) preloadMemberArea();
      setStart(s);
    }
    void go();
    return () => {
      live = false;
    };
    // `token` changes only with a new link; the session is re-read then.
  }, [slug, token]);

  const location = start?.kind === 'ok' ? start.location : null;
  useBranding(location);

  if (redeeming || !start) {
    return (
      <Layout location={location}>
        <p role="status" className="loading">
          {redeeming ? strings.redeem.working : strings.loading}
        </p>
      </Layout>
    );
  }
  if (start.kind !== 'ok') {
    const body =
      start.kind === 'unknownLocation'
        ? strings.signIn.unknownLocation
        : start.kind === 'network'
          ? strings.signIn.network
          : strings.signIn.failed(start.kind === 'failed' ? start.code : 'UNAVAILABLE');
    return (
      <Layout location={null}>
        <Screen title={strings.badSlug.title} place={strings.brand}>
          <p className="status status--error">{body}</p>
        </Screen>
      </Layout>
    );
  }
  if (start.signedIn) {
    return (
      <Suspense
        fallback={
          <Layout location={location}>
            <p role="status" className="loading">
              {strings.loading}
            </p>
          </Layout>
        }
      >
        <MemberArea
          location={start.location}
          page={page === 'signin' ? 'home' : page}
          base={BASE}
          onSignedOut={(why) => {
            setNotice(
              why === 'expired'
                ? { title: strings.signIn.pageTitle, body: strings.errors.sessionEnded }
                : null,
            );
            setStart({ ...start, signedIn: false });
            navigate(pathOf(BASE, slug, 'home'), { replace: true });
          }}
        />
      </Suspense>
    );
  }
  return (
    <Layout location={location}>
      <SignInScreen location={start.location} notice={notice} />
    </Layout>
  );
}
