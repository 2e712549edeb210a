import { useQuery } from '@apollo/client/react';
import { Anchor, Badge, Group, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { LoadMore } from '../components/LoadMore';
import { DataTable } from '../components/DataTable';
import { Empty, Loading, PageTitle, QueryError, reasonText } from '../components/ui';
import { formatDateTime, formatTime, localInputToIso } from '../format';
import { AUTH_EVENTS } from '../graphql';
import { Link } from '../router';
import { strings } from '../strings';

const t = strings.authEvents;

export default function AuthEventsPage() {
  const [result, setResult] = useState<string | null>(null);
  const [mac, setMac] = useState('');
  const [since, setSince] = useState('');
  const [debouncedMac] = useDebouncedValue(mac, 300);
  const { data, previousData, error, refetch, fetchMore, loading } = useQuery(AUTH_EVENTS, {
    variables: {
      filter: {
        result: (result as 'ACCEPT' | 'REJECT' | null) ?? null,
        macAddress: debouncedMac.trim() || null,
        since: localInputToIso(since),
      },
      first: 50,
    },
    pollInterval: 15_000,
  });
  const shown = data ?? previousData;
  return (
    <>
      <PageTitle title={t.title} intro={t.intro} />
      <Group mb="md" align="flex-end" wrap="wrap">
        <Select
          label={t.result}
          clearable
          placeholder={strings.common.any}
          data={[
            { value: 'ACCEPT', label: t.accepted },
            { value: 'REJECT', label: t.rejected },
          ]}
          value={result}
          onChange={setResult}
          w={160}
        />
        <TextInput
          label={t.mac}
          placeholder="aa:bb:cc:dd:ee:ff"
          value={mac}
          onChange={(e) => setMac(e.currentTarget.value)}
          w={220}
        />
        <TextInput
          type="datetime-local"
          label={t.since}
          value={since}
          onChange={(e) => setSince(e.currentTarget.value)}
          w={220}
        />
      </Group>
      {error ? <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} /> : null}
      {shown ? (
        shown.authEvents.nodes.length === 0 ? (
          <Empty>{t.empty}</Empty>
        ) : (
          <>
            <DataTable
              minWidth={900}
              columns={[t.colTime, t.colWho, t.colMac, t.colWhere, t.colResult, t.colReason]}
            >
              {shown.authEvents.nodes.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{formatDateTime(e.createdAt)}</Table.Td>
                  <Table.Td>
                    {e.member ? (
                      <Anchor component={Link} to={{ name: 'member', id: e.member.id }}>
                        {e.member.fullName}
                      </Anchor>
                    ) : (
                      (e.username ?? strings.common.none)
                    )}
                  </Table.Td>
                  <Table.Td>
                    <code>{e.mac ?? ''}</code>
                  </Table.Td>
                  <Table.Td>{e.nasClient?.name ?? strings.common.none}</Table.Td>
                  <Table.Td>
                    <Badge color={e.result === 'ACCEPT' ? 'teal' : 'red'} variant="light">
                      {e.result === 'ACCEPT' ? t.accepted : t.rejected}
                    </Badge>
                    {e.repeatCount > 1 && (
                      <Text size="xs" c="dimmed" title={t.repeatedHint}>
                        {t.repeated(e.repeatCount, formatTime(e.lastAt))}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{reasonText(e.reason)}</Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
            <LoadMore data={shown} field="authEvents" loading={loading} fetchMore={fetchMore} />
          </>
        )
      ) : !error ? (
        <Loading />
      ) : null}
    </>
  );
}
