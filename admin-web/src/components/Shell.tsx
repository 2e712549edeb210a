import { useMutation } from '@apollo/client/react';
import type { AdminSummary } from '../graphql';
import { LOGOUT } from '../graphql';
import { Link, useRoute } from '../router';
import { strings } from '../strings';
import { LocationsPage } from './LocationsPage';
import { NotFoundPage } from './NotFoundPage';

/** The signed-in frame: header with the account and navigation, and the current page. */
export function Shell({ admin, onSignedOut }: { admin: AdminSummary; onSignedOut: () => void }) {
  const route = useRoute();
  const [logout, { loading }] = useMutation(LOGOUT);

  async function signOut() {
    if (loading) return;
    try {
      await logout();
    } catch {
      // The session may already be gone; either way the app goes back to the sign-in form.
    }
    onSignedOut();
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {strings.common.skipToContent}
      </a>
      <header className="app-header">
        <span className="brand">{strings.appName}</span>
        <nav aria-label={strings.shell.nav} className="app-nav">
          <ul>
            <li>
              <Link to={{ name: 'locations' }} aria-current={route.name === 'locations' ? 'page' : undefined}>
                {strings.nav.locations}
              </Link>
            </li>
          </ul>
        </nav>
        <div className="account">
          <span className="visually-hidden">{strings.shell.signedInAs} </span>
          <span className="account__email">{admin.email}</span>
          <span className="visually-hidden">, {strings.shell.role}: </span>
          <span className="account__role">{strings.roles[admin.role] ?? admin.role}</span>
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={signOut}
            aria-disabled={loading || undefined}
          >
            {loading ? strings.shell.signingOut : strings.shell.signOut}
          </button>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {route.name === 'locations' ? (
          <LocationsPage admin={admin} onSessionLost={onSignedOut} />
        ) : (
          <NotFoundPage />
        )}
      </main>
    </>
  );
}
