import { useQuery } from '@apollo/client/react';
import { Anchor, Badge, Group, Select, Switch, Table } from '@mantine/core';
import { useState } from 'react';
import { LoadMore } from '../components/LoadMore';
import { DataTable } from '../components/DataTable';
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
            <DataTable
              minWidth={900}
              columns={[
                t.colMember,
                t.colDevice,
                t.colWhere,
                t.colStarted,
                t.colDuration,
                t.colTraffic,
                t.colState,
              ]}
            >
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
            </DataTable>
            <LoadMore data={shown} field="radiusSessions" loading={loading} fetchMore={fetchMore} />
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
