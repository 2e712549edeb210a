import { ApolloProvider, useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Layout } from '../components/Layout';
import type { PortalLocation } from '../magic-link';
import { navigate } from '../navigation';
import { pathOf, type Page } from '../route';
import { strings } from '../strings';
import { createApolloClient } from './apollo';
import { DevicesScreen } from './DevicesScreen';
import { LOGOUT_MEMBER, ME, MY_PASSPHRASE } from './documents';
import { commonMessage, errorCode, sessionEnded } from './errors';
import { HomeScreen } from './HomeScreen';
import { PassphraseScreen } from './PassphraseScreen';
import { SetupScreen } from './SetupScreen';

export interface MemberAreaProps {
  location: PortalLocation;
  page: Exclude<Page, 'signin'>;
  base: string;
  onSignedOut: (why: 'logout' | 'expired') => void;
}

/** The revealed passphrase lives only in memory, shared by the screens that show or encode it. */
export interface PassphraseState {
  value: string | null;
  loading: boolean;
  error: string | null;
  reveal: () => Promise<string | null>;
  hide: () => void;
  replace: (value: string) => void;
}

export default function MemberArea(props: MemberAreaProps) {
  const client = useMemo(() => createApolloClient(), []);
  return (
    <ApolloProvider client={client}>
      <Member {...props} />
    </ApolloProvider>
  );
}

const NAV: Array<{ page: Exclude<Page, 'signin'>; label: string }> = [
  { page: 'home', label: strings.nav.home },
  { page: 'setup', label: strings.nav.setup },
  { page: 'devices', label: strings.nav.devices },
  { page: 'passphrase', label: strings.nav.passphrase },
];

function Member({ location, page, base, onSignedOut }: MemberAreaProps) {
  const client = useApolloClient();
  const me = useQuery(ME);
  const [logout, logoutState] = useMutation(LOGOUT_MEMBER);
  const [passphrase, setPassphrase] = useState<{
    value: string | null;
    loading: boolean;
    error: string | null;
  }>({
    value: null,
    loading: false,
    error: null,
  });

  const meCode = errorCode(me.error);
  useEffect(() => {
    if ((me.data && me.data.me === null) || sessionEnded(meCode)) onSignedOut('expired');
  }, [me.data, meCode, onSignedOut]);

  const reveal = useCallback(async () => {
    setPassphrase((p) => ({ ...p, loading: true, error: null }));
    try {
      const r = await client.query({ query: MY_PASSPHRASE, fetchPolicy: 'no-cache' });
      const value = r.data?.myPassphrase ?? null;
      setPassphrase({ value, loading: false, error: null });
      return value;
    } catch (err) {
      const code = errorCode(err) ?? 'UNKNOWN';
      if (sessionEnded(code)) onSignedOut('expired');
      setPassphrase({ value: null, loading: false, error: commonMessage(code) });
      return null;
    }
  }, [client, onSignedOut]);

  const pass: PassphraseState = {
    ...passphrase,
    reveal,
    hide: () => setPassphrase({ value: null, loading: false, error: null }),
    replace: (value) => setPassphrase({ value, loading: false, error: null }),
  };

  async function signOut() {
    try {
      await logout();
    } catch {
      /* the session may already be gone: signed out either way */
    }
    await client.clearStore();
    onSignedOut('logout');
  }

  const go = (p: Exclude<Page, 'signin'>) => (e: React.MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(pathOf(base, location.slug, p));
  };

  const nav = (
    <nav aria-label={strings.nav.label}>
      <ul className="nav">
        {NAV.map((n) => (
          <li key={n.page}>
            <a
              href={pathOf(base, location.slug, n.page)}
              onClick={go(n.page)}
              aria-current={n.page === page ? 'page' : undefined}
            >
              {n.label}
            </a>
          </li>
        ))}
        <li>
          <button
            type="button"
            className="link"
            onClick={signOut}
            aria-disabled={logoutState.loading || undefined}
          >
            {logoutState.loading ? strings.nav.signingOut : strings.nav.signOut}
          </button>
        </li>
      </ul>
    </nav>
  );

  const data = me.data?.me;
  return (
    <Layout location={data?.location ?? location} nav={nav}>
      {!data ? (
        me.error && !sessionEnded(meCode) ? (
          <p role="alert" className="status status--error">
            {commonMessage(meCode ?? 'UNKNOWN')}
          </p>
        ) : (
          <p role="status" className="loading">
            {strings.loading}
          </p>
        )
      ) : page === 'passphrase' ? (
        <PassphraseScreen me={data} passphrase={pass} />
      ) : page === 'setup' ? (
        <SetupScreen me={data} passphrase={pass} />
      ) : page === 'devices' ? (
        <DevicesScreen me={data} />
      ) : (
        <HomeScreen me={data} passphrase={pass} now={new Date()} />
      )}
    </Layout>
  );
}
