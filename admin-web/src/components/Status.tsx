import type { ReactNode } from 'react';
import { strings } from '../strings';

/** Shown while the first answer is on its way. */
export function Loading() {
  return (
    <p className="loading" role="status">
      {strings.common.loading}
    </p>
  );
}

/** A polite live region: always rendered, so that changes of its text are announced. */
export function LiveStatus({ children }: { children: ReactNode }) {
  return (
    <p className="live-status" role="status" aria-live="polite">
      {children}
    </p>
  );
}
