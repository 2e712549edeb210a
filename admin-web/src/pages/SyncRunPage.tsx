import { useApolloClient, useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Alert, Anchor, Badge, Box, Group, Paper, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { RunCountsGrid, RunStatusBadge } from '../components/IntegrationBits';
import {
  ConfirmButton,
  ErrorAlert,
  Loading,
  PageTitle,
  QueryError,
  SectionTitle,
  useAction,
  useCanWrite,
} from '../components/ui';
import { formatDateTime } from '../format';
import {
  CONFIRM_SYNC_RUN,
  DISCARD_SYNC_RUN,
  SYNC_RUN,
  SYNC_RUN_EVENTS,
  SYNC_RUN_TAIL,
  type LogLine,
  type SyncRunDetail,
} from '../graphql-integrations';
import { firstGapAfter, isFinished, lastSeq, lineOf, mergeLog } from '../integrations';
import { Link } from '../router';
import type { Route } from '../routes';
import { strings } from '../strings';

const t = strings.integrations;
const LOG_PAGE = 500;
/** Only a safety net for a status change sent before the subscription started; lines come live. */
const CATCH_UP_MS = 15_000;
const LEVEL_COLOR: Record<string, string> = { DEBUG: 'gray', INFO: 'blue', WARN: 'orange', ERROR: 'red' };

export default function SyncRunPage({ route }: { route: Route }) {
  const id = route.name === 'syncRun' ? route.id : '';
  const { data, error, refetch } = useQuery(SYNC_RUN, { variables: { id }, fetchPolicy: 'network-only' });
  return data ? (
    <RunView key={id} run={data.syncRun} />
  ) : error ? (
    <>
      <PageTitle title={t.runTitle('')} />
      <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
    </>
  ) : (
    <Loading />
  );
}

/**
 * The stored lines first, then live ones from `syncRunEvents` appended by seq (never twice); a hole
 * in the seqs (lines written between reading the log and the subscription starting) is filled from
 * the stored log, and a status change reloads the counts.
 */
function RunView({ run }: { run: SyncRunDetail }) {
  const client = useApolloClient();
  const canWrite = useCanWrite('integrations');
  const [lines, setLines] = useState<LogLine[]>(() => mergeLog([], run.log));
  const [streamLost, setStreamLost] = useState(false);
  const linesRef = useRef(lines);
  const busy = useRef(false);
  const again = useRef(false);
  const finished = isFinished(run.status);

  const add = useCallback((incoming: readonly LogLine[]) => {
    const next = mergeLog(linesRef.current, incoming);
    if (next === linesRef.current) return;
    linesRef.current = next;
    setLines(next);
  }, []);

  const catchUp = useCallback(async () => {
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    try {
      do {
        again.current = false;
        const after = firstGapAfter(linesRef.current) ?? lastSeq(linesRef.current);
        const r = await client.query({
          query: SYNC_RUN_TAIL,
          variables: { id: run.id, afterSeq: after },
          fetchPolicy: 'network-only',
        });
        const got = r.data?.syncRun.log ?? [];
        add(got);
        if (got.length === LOG_PAGE) again.current = true;
      } while (again.current);
    } catch {
      // The next event or the periodic catch-up tries again.
    } finally {
      busy.current = false;
    }
  }, [add, client, run.id]);

  useEffect(() => {
    if (run.log.length === LOG_PAGE) void catchUp();
  }, [run.log.length, catchUp]);

  useSubscription(SYNC_RUN_EVENTS, {
    variables: { runId: run.id },
    skip: finished,
    onData: ({ data }) => {
      const event = data.data?.syncRunEvents;
      if (!event) return;
      setStreamLost(false);
      const line = lineOf(event);
      if (line) {
        add([line]);
        if (firstGapAfter(linesRef.current) !== null) void catchUp();
      }
      if (event.status) void catchUp(); // the status and counts (and any last lines)
    },
    onError: () => setStreamLost(true),
  });

  useEffect(() => {
    if (finished) return;
    const timer = setInterval(() => void catchUp(), CATCH_UP_MS);
    return () => clearInterval(timer);
  }, [finished, catchUp]);

  // Keep the newest line in view while the log grows.
  const logBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = logBox.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [lines.length]);

  return (
    <>
      <Anchor component={Link} to={{ name: 'integration', id: run.integration.id }} size="sm">
        ← {t.runBackTo(run.integration.name)}
      </Anchor>
      <PageTitle
        title={t.runTitle(run.integration.name)}
        actions={
          <Group gap="xs">
            <Text size="sm" data-testid="run-kind">
              {t.triggers[run.trigger] ?? run.trigger} · {t.modes[run.mode] ?? run.mode}
            </Text>
            <span aria-live="polite" data-testid="run-status">
              <RunStatusBadge status={run.status} />
            </span>
          </Group>
        }
      />
      <Stack gap="xs">
        <Text size="sm">
          {t.started}: {formatDateTime(run.startedAt ?? run.createdAt)}
          {run.finishedAt ? ` · ${t.finished}: ${formatDateTime(run.finishedAt)}` : ''}
        </Text>
        <RunCountsGrid run={run} />
        {run.error ? (
          <Alert color="red" title={t.runError}>
            {run.error}
          </Alert>
        ) : null}
        {run.status === 'HELD' ? <Held run={run} canWrite={canWrite} onDone={() => void catchUp()} /> : null}
      </Stack>

      <SectionTitle>{t.logTitle}</SectionTitle>
      {!finished ? (
        <Text size="sm" c={streamLost ? 'orange.8' : 'dimmed'} mb="xs">
          {streamLost ? t.liveLost : t.live}
        </Text>
      ) : null}
      <Paper withBorder>
        <Box
          ref={logBox}
          role="log"
          aria-label={t.logTitle}
          aria-live="polite"
          mah={480}
          p="xs"
          style={{ overflowY: 'auto', fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 }}
        >
          {lines.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t.logEmpty}
            </Text>
          ) : (
            lines.map((l) => (
              <Group key={l.seq} gap="xs" wrap="nowrap" align="flex-start" data-seq={l.seq}>
                <Text span c="dimmed" size="xs" style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(l.createdAt)}
                </Text>
                <Badge size="xs" variant="light" color={LEVEL_COLOR[l.level] ?? 'gray'} miw={52}>
                  {l.level}
                </Badge>
                <Text span size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                  {l.message}
                </Text>
              </Group>
            ))
          )}
        </Box>
      </Paper>
    </>
  );
}

function Held({ run, canWrite, onDone }: { run: SyncRunDetail; canWrite: boolean; onDone: () => void }) {
  const action = useAction();
  const [confirm] = useMutation(CONFIRM_SYNC_RUN);
  const [discard] = useMutation(DISCARD_SYNC_RUN);
  return (
    <Alert color="orange" title={t.heldTitle}>
      <Stack gap="xs">
        <Text size="sm">{t.heldIntro}</Text>
        {run.heldReason ? (
          <Text size="sm" fw={600} data-testid="held-reason">
            {run.heldReason}
          </Text>
        ) : null}
        <ErrorAlert error={action.error} />
        {canWrite ? (
          <Group>
            <ConfirmButton
              color="orange"
              label={t.confirmRun}
              question={t.confirmRunQuestion}
              onConfirm={async () => {
                if (await action.run(() => confirm({ variables: { runId: run.id } }))) onDone();
              }}
            />
            <ConfirmButton
              variant="default"
              color="gray"
              label={t.discardRun}
              question={t.discardRunQuestion}
              onConfirm={async () => {
                if (await action.run(() => discard({ variables: { runId: run.id } }))) onDone();
              }}
            />
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}
