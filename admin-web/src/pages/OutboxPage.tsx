import { useQuery } from '@apollo/client/react';
import { Anchor, Badge, Select, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { LoadMore } from '../components/LoadMore';
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
          <Table.ScrollContainer minWidth={900}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t.colCreated}</Table.Th>
                  <Table.Th>{t.colTo}</Table.Th>
                  <Table.Th>{t.colSubject}</Table.Th>
                  <Table.Th>{t.colStatus}</Table.Th>
                  <Table.Th>{t.colAttempts}</Table.Th>
                  <Table.Th>{t.colSent}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
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
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore
            shown={shown.outboxMessages.nodes.length}
            total={shown.outboxMessages.totalCount}
            hasMore={shown.outboxMessages.pageInfo.hasNextPage}
            loading={loading}
            onMore={() =>
              void fetchMore({
                variables: { after: shown.outboxMessages.pageInfo.endCursor },
                updateQuery: (prev, { fetchMoreResult }) => ({
                  outboxMessages: {
                    ...fetchMoreResult.outboxMessages,
                    nodes: [...prev.outboxMessages.nodes, ...fetchMoreResult.outboxMessages.nodes],
                  },
                }),
              }).catch(() => undefined)
            }
          />
        </>
      )}
    </>
  );
}
