import { Title } from '@mantine/core';
import {
  useEffect,
  useRef,
  useSyncExternalStore,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { parseRoute, pathFor, type Route } from './routes';

/**
 * A tiny History API router: the API serves index.html for every path under /admin/, so deep
 * links work; in-app links push history entries and re-render whoever uses `useRoute`.
 */
const BASE = import.meta.env.BASE_URL;
const listeners = new Set<() => void>();
let focusPending = false;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const currentPath = () => window.location.pathname;
const serverPath = () => BASE; // only for rendering outside a browser (tests)

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, currentPath, serverPath);
  return parseRoute(path, BASE);
}

export function href(route: Route): string {
  return pathFor(route, BASE);
}

export function navigate(to: string | Route, options: { replace?: boolean } = {}): void {
  const path = typeof to === 'string' ? to : href(to);
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  focusPending = !options.replace;
  for (const l of listeners) l();
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: Route; children: ReactNode };

/** An ordinary link (middle-click, copy address… still work) that navigates in-app on a plain click. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const target = href(to);
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    e.preventDefault();
    navigate(target);
  };
  return (
    <a href={target} onClick={handle} {...rest}>
      {children}
    </a>
  );
}

/**
 * The page's main heading. After an in-app navigation it takes the focus, so keyboard and
 * screen-reader users land on the new page instead of staying on the link they clicked.
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = title;
    if (focusPending) {
      focusPending = false;
      ref.current?.focus();
    }
  }, [title]);
  return (
    <Title ref={ref} tabIndex={-1} order={1} size="h2" style={{ outline: 'none' }}>
      {children}
    </Title>
  );
}
