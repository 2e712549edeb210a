import { useEffect, useRef, type ReactNode } from 'react';
import { takeFocusRequest } from '../navigation';
import { strings } from '../strings';

/**
 * One page: sets the document title and, after an in-app navigation, moves focus to the heading
 * so that screen readers announce the new page and keyboard users start from its top.
 */
export function Screen({
  title,
  place,
  children,
  heading = title,
}: {
  title: string;
  place: string;
  heading?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = strings.documentTitle(title, place);
  }, [title, place]);
  useEffect(() => {
    if (takeFocusRequest()) ref.current?.focus();
  }, [title]);
  return (
    <>
      <h1 ref={ref} tabIndex={-1} id="page-heading">
        {heading}
      </h1>
      {children}
    </>
  );
}
