import type { ReactNode } from 'react';
import { strings } from '../strings';

/**
 * A submit button that stays focusable while busy (a disabled button would drop the keyboard
 * focus); the form's handler ignores submits while `busy`.
 */
export function SubmitButton({ busy, children }: { busy: boolean; children: ReactNode }) {
  return (
    <button type="submit" className="button" aria-disabled={busy || undefined}>
      {busy ? strings.common.working : children}
    </button>
  );
}
