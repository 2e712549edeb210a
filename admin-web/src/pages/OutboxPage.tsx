import { useQuery } from '@apollo/client/react';
import { Anchor, Badge, Select, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { LoadMore } from '../components/LoadMore';
import { DataTable } from '../components/DataTable';
import { Empty, Loading, PageTitle, QueryError } from '../components/ui';
import { formatDateTime } from '../format';
import { OUTBOX_MESSAGES, type OutboxStatus } from '../graphql-integrations';
import { Link } from '../router';
import { strings } from '../strings';

const t = strings.outbox;
const COLOR: Record<OutboxStatus, string> = {
  PENDING: 'blue',
  SENT: 'green',
  FAILED: 'red',
  CAPTURED: 'gray',
};

export default function OutboxPage() {
  const [status, setStatus] = useState<string | null>(null);
  const { data, previousData, error, refetch, fetchMore, loading } = useQuery(OUTBOX_MESSAGES, {
    variables: { status: (status as OutboxStatus | null) ?? null, first: 50 },
    notifyOnNetworkStatusChange: true,
  });
  const shown = data ?? previousData;

  return (
    <>
      <PageTitle title={t.title} intro={t.intro} />
      <Select
        label={t.status}
        maw={280}
        mb="md"
        clearable
        placeholder={strings.common.all}
        data={(['PENDING', 'SENT', 'FAILED', 'CAPTURED'] as const).map((s) => ({
          value: s,
          label: t.statuses[s] ?? s,
        }))}
        value={status}
        onChange={setStatus}
      />
      {error && !shown ? (
        <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : !shown ? (
        <Loading />
      ) : shown.outboxMessages.nodes.length === 0 ? (
        <Empty>{t.empty}</Empty>
      ) : (
        <>
          <DataTable
            minWidth={900}
            columns={[t.colCreated, t.colTo, t.colSubject, t.colStatus, t.colAttempts, t.colSent]}
          >
            {shown.outboxMessages.nodes.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>{formatDateTime(m.createdAt)}</Table.Td>
                <Table.Td>
                  {m.memberId ? (
                    <Anchor component={Link} to={{ name: 'member', id: m.memberId }}>
                      {m.toAddress}
                    </Anchor>
                  ) : (
                    m.toAddress
                  )}
                </Table.Td>
                <Table.Td>{m.subject}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={COLOR[m.status] ?? 'gray'}>
                    {t.statuses[m.status] ?? m.status}
                  </Badge>
                  {m.lastError ? (
                    <Text size="xs" c="red.8" title={t.colError}>
                      {m.lastError}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>{m.attempts}</Table.Td>
                <Table.Td>{m.sentAt ? formatDateTime(m.sentAt) : strings.common.none}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
          <LoadMore data={shown} field="outboxMessages" loading={loading} fetchMore={fetchMore} />
        </>
      )}
    </>
  );
}
