import {
  Alert,
  Button,
  Center,
  Code,
  CopyButton,
  Group,
  List,
  Loader,
  Modal,
  Stack,
  Text,
  Title,
  type ButtonProps,
} from '@mantine/core';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { describeError, needsSignIn, problemSentences, type Described } from '../errors';
import type { AdminSummary } from '../graphql';
import { canWrite, type Area } from '../permissions';
import { PageHeading } from '../router';
import { strings } from '../strings';

/** The signed-in admin and what to do when the session is gone, for every page. */
export interface Session {
  admin: AdminSummary;
  onSessionLost: () => void;
}
export const SessionContext = createContext<Session | null>(null);
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in shell');
  return s;
}
/** May the signed-in admin change things in `area`? (hides controls; the API decides) */
export function useCanWrite(area: Area): boolean {
  return canWrite(useSession().admin.role, area);
}

/** A page's heading, intro and actions; `readOnly` adds the note that the role may only look. */
export function PageTitle({
  title,
  intro,
  actions,
  readOnly,
}: {
  title: string;
  intro?: string;
  actions?: ReactNode;
  readOnly?: boolean;
}) {
  return (
    <>
      <Stack gap={4} mb="md">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <PageHeading title={strings.documentTitle(title)}>{title}</PageHeading>
          {actions}
        </Group>
        {intro ? <Text c="dimmed">{intro}</Text> : null}
      </Stack>
      {readOnly ? (
        <Text c="dimmed" size="sm" mb="sm">
          {strings.common.readOnly}
        </Text>
      ) : null}
    </>
  );
}

export function SectionTitle({ children }: { children: ReactNode }) {
  return (
    <Title order={2} size="h4" mt="lg" mb="xs">
      {children}
    </Title>
  );
}

export function Loading() {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="xs">
        <Loader size="sm" aria-hidden />
        <Text>{strings.common.loading}</Text>
      </Group>
    </Center>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" py="md" ta="center">
      {children}
    </Text>
  );
}

/** A failure in plain words (from the error code), with field problems listed; takes the focus. */
export function ErrorAlert({ error, children }: { error: Described | null; children?: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const sentences = error.code === 'VALIDATION_FAILED' ? problemSentences(error.fields) : [];
  return (
    <Alert ref={ref} tabIndex={-1} color="red" role="alert" title={error.summary} mb="md">
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

/** A query that failed: explained, with "try again" (or "sign in again" when the session is gone). */
export function QueryError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { onSessionLost } = useSession();
  const lost = needsSignIn(error);
  return (
    <ErrorAlert error={describeError(error)}>
      <Button mt="sm" variant="default" size="xs" onClick={lost ? onSessionLost : onRetry}>
        {lost ? strings.errors.signInAgain : strings.common.retry}
      </Button>
    </ErrorAlert>
  );
}

/** For failures a form found itself, before asking the server. */
export function localProblems(fields: Record<string, string[]>): Described | null {
  return Object.keys(fields).length
    ? { code: 'VALIDATION_FAILED', summary: strings.errors.VALIDATION_FAILED, fields }
    : null;
}

/**
 * Runs a mutation and keeps its failure in words: `run(fn)` resolves to the result, or undefined
 * after a failure (then `error` explains it; a lost session goes back to sign-in).
 */
export function useAction() {
  const { onSessionLost } = useSession();
  const [error, setError] = useState<Described | null>(null);
  const [busy, setBusy] = useState(false);
  async function run<T>(fn: () => Promise<{ data?: T | null; error?: unknown }>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      const result = await fn();
      if (result.error) throw result.error;
      return result.data ?? undefined;
    } catch (err) {
      if (needsSignIn(err)) onSessionLost();
      else setError(describeError(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { run, error, setError, busy };
}

/** A secret shown once, with a copy button. */
export function SecretValue({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <Stack gap={4}>
      <Text fw={600}>{label}</Text>
      {note ? (
        <Text size="sm" c="orange.8">
          {note}
        </Text>
      ) : null}
      <Group gap="xs" wrap="nowrap" align="center">
        <Code fz="md" style={{ wordBreak: 'break-all' }} aria-label={label}>
          {value}
        </Code>
        <CopyText value={value} label={label} />
      </Group>
    </Stack>
  );
}

export function CopyText({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button
          size="xs"
          variant={copied ? 'filled' : 'light'}
          color={copied ? 'teal' : undefined}
          onClick={copy}
          aria-label={`${strings.common.copy}: ${label}`}
        >
          {copied ? strings.common.copied : strings.common.copy}
        </Button>
      )}
    </CopyButton>
  );
}

/** A button that asks before doing something that cannot be taken back. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  ...button
}: {
  label: string;
  question: string;
  onConfirm: () => void | Promise<unknown>;
  'aria-label'?: string;
} & ButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button {...button} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={`${label}: ${strings.common.areYouSure}`}
        centered
      >
        <Text mb="md">{question}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setOpen(false)}>
            {strings.common.cancel}
          </Button>
          <Button
            color={button.color ?? 'red'}
            onClick={() => {
              setOpen(false);
              void onConfirm();
            }}
          >
            {label}
          </Button>
        </Group>
      </Modal>
    </>
  );
}

/** A table row's "Delete" (asks first); `name` completes its accessible label. */
export function DeleteButton({
  name,
  question,
  onConfirm,
}: {
  name?: string;
  question: string;
  onConfirm: () => void | Promise<unknown>;
}) {
  return (
    <ConfirmButton
      size="xs"
      variant="subtle"
      color="red"
      label={strings.common.delete}
      aria-label={name ? `${strings.common.delete} ${name}` : undefined}
      question={question}
      onConfirm={onConfirm}
    />
  );
}

/** The text of a reason code (access decisions, RADIUS rejects), or the code itself. */
export const reasonText = (code: string): string => strings.reasons[code] ?? code;
