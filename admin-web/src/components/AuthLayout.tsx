import { useEffect, type ReactNode } from 'react';
import { strings } from '../strings';

/** The centred card of the screens shown before signing in. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = strings.documentTitle(title);
  }, [title]);
  return (
    <main className="auth" id="main">
      <div className="auth__card">
        <p className="brand brand--large" aria-hidden="true">
          {strings.appName}
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
