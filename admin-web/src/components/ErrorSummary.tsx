import { useEffect, useRef, type ReactNode } from 'react';
import { problemSentences, type Described } from '../errors';
import { strings } from '../strings';

/**
 * What went wrong, above the form. It takes the focus when it appears, so screen readers read it
 * and keyboard users continue from it to the first field.
 */
export function ErrorSummary({ error, children }: { error: Described | null; children?: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const sentences = error.code === 'VALIDATION_FAILED' ? problemSentences(error.fields) : [];
  return (
    <div ref={ref} tabIndex={-1} className="error-summary" role="alert">
      <p className="error-summary__title">{error.summary}</p>
      {sentences.length > 0 ? (
        <>
          <p>{strings.errors.fixFields}</p>
          <ul>
            {sentences.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </>
      ) : null}
      {children}
    </div>
  );
}

/** For failures the form found itself, before asking the server. */
export function localProblems(fields: Record<string, string[]>): Described | null {
  return Object.keys(fields).length
    ? { code: 'VALIDATION_FAILED', summary: strings.errors.VALIDATION_FAILED, fields }
    : null;
}
