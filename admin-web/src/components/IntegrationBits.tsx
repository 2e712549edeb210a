import { Badge, Group, Paper, SimpleGrid, Text } from '@mantine/core';
import type { IntegrationHealth, RunCounts, SyncRunStatus } from '../graphql-integrations';
import { strings } from '../strings';

const t = strings.integrations;

const HEALTH_COLOR: Record<IntegrationHealth, string> = {
  CONNECTED: 'green',
  NEEDS_RECONNECT: 'orange',
  ERROR: 'red',
  NEVER_SYNCED: 'gray',
};
const RUN_COLOR: Record<SyncRunStatus, string> = {
  QUEUED: 'gray',
  RUNNING: 'blue',
  SUCCEEDED: 'green',
  FAILED: 'red',
  HELD: 'orange',
  DISCARDED: 'gray',
};

export function HealthBadge({ health }: { health: IntegrationHealth }) {
  return (
    <Badge color={HEALTH_COLOR[health] ?? 'gray'} variant="light">
      {t.health[health] ?? health}
    </Badge>
  );
}

export function RunStatusBadge({ status }: { status: SyncRunStatus }) {
  return (
    <Badge color={RUN_COLOR[status] ?? 'gray'} variant="light" data-status={status}>
      {t.runStatus[status] ?? status}
    </Badge>
  );
}

/** "3 / 1 / 0 / 0 / 0" in the order of the runs table's heading. */
export const runCountsText = (r: RunCounts): string =>
  [r.created, r.updated, r.disabled, r.deleted, r.errors].join(' / ');

const COUNT_KEYS = ['created', 'updated', 'enabled', 'disabled', 'deleted', 'unchanged', 'errors'] as const;

/** A run's counts as labelled figures. */
export function RunCountsGrid({ run }: { run: RunCounts }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4, md: 7 }} spacing="xs" aria-label={t.colCounts}>
      {COUNT_KEYS.map((k) => (
        <Paper key={k} withBorder p="xs">
          <Group justify="space-between" gap={4}>
            <Text size="sm" c="dimmed">
              {t.counts[k]}
            </Text>
            <Text fw={700} data-count={k}>
              {run[k]}
            </Text>
          </Group>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
