import { Alert, List, Text } from '@mantine/core';
import { useEffect, useRef, type ReactNode } from 'react';
import { problemSentences, type Described } from '../errors';
import { strings } from '../strings';

/** What went wrong, for the screens outside the signed-in shell. Takes the focus when it appears. */
export function ErrorSummary({ error, children }: { error: Described | null; children?: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const sentences = error.code === 'VALIDATION_FAILED' ? problemSentences(error.fields) : [];
  return (
    <Alert ref={ref} tabIndex={-1} color="red" role="alert" title={error.summary}>
      {sentences.length ? (
        <>
          <Text size="sm">{strings.errors.fixFields}</Text>
          <List size="sm">
            {sentences.map((s) => (
              <List.Item key={s}>{s}</List.Item>
            ))}
          </List>
        </>
      ) : null}
      {children}
    </Alert>
  );
}

export function localProblems(fields: Record<string, string[]>): Described | null {
  return Object.keys(fields).length
    ? { code: 'VALIDATION_FAILED', summary: strings.errors.VALIDATION_FAILED, fields }
    : null;
}
