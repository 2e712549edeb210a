import { useQuery } from '@apollo/client/react';
import { Anchor, Badge, Group, Select, Switch, Table } from '@mantine/core';
import { useState } from 'react';
import { LoadMore } from '../components/LoadMore';
import { Empty, Loading, PageTitle, QueryError } from '../components/ui';
import { useLocationOptions } from '../components/useLocations';
import { formatBytes, formatDateTime, formatDuration } from '../format';
import { SESSIONS } from '../graphql';
import { Link } from '../router';
import { strings } from '../strings';

const t = strings.sessions;

export default function SessionsPage() {
  const [openOnly, setOpenOnly] = useState(true);
  const [locationId, setLocationId] = useState<string | null>(null);
  const locations = useLocationOptions();
  // Live enough: accounting interim updates arrive every few minutes; new sessions within seconds.
  const { data, previousData, error, refetch, fetchMore, loading } = useQuery(SESSIONS, {
    variables: { filter: { open: openOnly ? true : null, locationId }, first: 50 },
    pollInterval: 10_000,
  });
  const shown = data ?? previousData;
  return (
    <>
      <PageTitle title={t.title} intro={t.intro} />
      <Group mb="md" align="flex-end">
        <Switch
          label={t.openOnly}
          checked={openOnly}
          onChange={(e) => setOpenOnly(e.currentTarget.checked)}
        />
        <Select
          label={strings.members.location}
          clearable
          placeholder={strings.common.any}
          data={locations}
          value={locationId}
          onChange={setLocationId}
          w={200}
        />
      </Group>
      {shown ? (
        shown.radiusSessions.nodes.length === 0 ? (
          <Empty>{t.empty}</Empty>
        ) : (
          <>
            <Table.ScrollContainer minWidth={900}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t.colMember}</Table.Th>
                    <Table.Th>{t.colDevice}</Table.Th>
                    <Table.Th>{t.colWhere}</Table.Th>
                    <Table.Th>{t.colStarted}</Table.Th>
                    <Table.Th>{t.colDuration}</Table.Th>
                    <Table.Th>{t.colTraffic}</Table.Th>
                    <Table.Th>{t.colState}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.radiusSessions.nodes.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>
                        {s.member ? (
                          <Anchor component={Link} to={{ name: 'member', id: s.member.id }}>
                            {s.member.fullName}
                          </Anchor>
                        ) : (
                          s.username
                        )}
                      </Table.Td>
                      <Table.Td>
                        <code>{s.callingStationId ?? ''}</code> {s.framedIpAddress}
                      </Table.Td>
                      <Table.Td>
                        {s.nasClient?.name ?? strings.common.none}
                        {s.location ? ` · ${s.location.name}` : ''}
                      </Table.Td>
                      <Table.Td>{formatDateTime(s.startedAt)}</Table.Td>
                      <Table.Td>{formatDuration(s.sessionTimeSeconds)}</Table.Td>
                      <Table.Td>
                        {formatBytes(s.outputOctets)} / {formatBytes(s.inputOctets)}
                      </Table.Td>
                      <Table.Td>
                        {s.open ? (
                          <Badge color={s.disconnectResult ? 'orange' : 'teal'} variant="light">
                            {s.disconnectResult ? t.disconnecting : t.open}
                          </Badge>
                        ) : (
                          t.ended(s.terminateCause ?? '?')
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <LoadMore
              shown={shown.radiusSessions.nodes.length}
              total={shown.radiusSessions.totalCount}
              hasMore={shown.radiusSessions.pageInfo.hasNextPage}
              loading={loading}
              onMore={() =>
                void fetchMore({
                  variables: { after: shown.radiusSessions.pageInfo.endCursor },
                  updateQuery: (prev, { fetchMoreResult }) => ({
                    radiusSessions: {
                      ...fetchMoreResult.radiusSessions,
                      nodes: [...prev.radiusSessions.nodes, ...fetchMoreResult.radiusSessions.nodes],
                    },
                  }),
                }).catch(() => undefined)
              }
            />
          </>
        )
      ) : error ? (
        <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : (
        <Loading />
      )}
    </>
  );
}
