import { useEffect, useState } from 'react';

type Listener = () => void;
const listeners = new Set<Listener>();
/** Set by navigate(): the next screen moves focus to its heading (not on the first page load). */
let focusPending = false;

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  focusPending = true;
  for (const l of listeners) l();
}

/** Consumed by the heading of the screen shown after a navigation. */
export function takeFocusRequest(): boolean {
  const pending = focusPending;
  focusPending = false;
  return pending;
}

/** The current path (and fragment), updated on navigate() and the browser's back/forward. */
export function usePath(): { pathname: string; hash: string } {
  const read = () => ({ pathname: window.location.pathname, hash: window.location.hash });
  const [path, setPath] = useState(read);
  useEffect(() => {
    const update = () => setPath(read());
    const onPop = () => {
      focusPending = true;
      update();
    };
    listeners.add(update);
    window.addEventListener('popstate', onPop);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', onPop);
    };
  }, []);
  return path;
}
