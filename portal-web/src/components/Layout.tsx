import type { ReactNode } from 'react';
import type { PortalLocation } from '../magic-link';
import { strings } from '../strings';

/** Page frame: skip link, the location's name and logo, optional navigation, main content. */
export function Layout({
  location,
  nav,
  children,
}: {
  location: Pick<PortalLocation, 'name' | 'logoUrl'> | null;
  nav?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <a className="skip-link" href="#main">
        {strings.skipToContent}
      </a>
      <header className="site-header">
        <p className="brand">
          {location?.logoUrl ? <img className="brand-logo" src={location.logoUrl} alt="" /> : null}
          <span>{location?.name ?? strings.brand}</span>
        </p>
        {nav}
      </header>
      <main id="main" className="card" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
