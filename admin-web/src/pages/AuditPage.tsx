import { useQuery } from '@apollo/client/react';
import { Code, Group, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { LoadMore } from '../components/LoadMore';
import { DataTable } from '../components/DataTable';
import { Empty, Loading, PageTitle, QueryError } from '../components/ui';
import { formatDateTime } from '../format';
import { AUDIT_EVENTS } from '../graphql';
import { strings } from '../strings';

const t = strings.audit;

export default function AuditPage() {
  const [action, setAction] = useState('');
  const [targetType, setTargetType] = useState('');
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const [debouncedType] = useDebouncedValue(targetType.trim(), 300);
  const filter = { action: debouncedAction || null, targetType: debouncedType || null };
  const { data, previousData, error, refetch, fetchMore, loading } = useQuery(AUDIT_EVENTS, {
    variables: { filter, first: 50 },
  });
  const shown = data ?? previousData;
  return (
    <>
      <PageTitle title={t.title} />
      <Group mb="md">
        <TextInput
          label={t.action}
          placeholder="rotateMemberPassphrase"
          value={action}
          onChange={(e) => setAction(e.currentTarget.value)}
        />
        <TextInput
          label={t.targetType}
          placeholder="Member"
          value={targetType}
          onChange={(e) => setTargetType(e.currentTarget.value)}
        />
      </Group>
      {error ? <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} /> : null}
      {shown ? (
        shown.auditEvents.nodes.length === 0 ? (
          <Empty>{t.empty}</Empty>
        ) : (
          <>
            <DataTable minWidth={900} columns={[t.colTime, t.colWho, t.colAction, t.colTarget, t.colIp]}>
              {shown.auditEvents.nodes.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{formatDateTime(e.createdAt)}</Table.Td>
                  <Table.Td>{e.actorLabel}</Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    {e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : strings.common.none}
                  </Table.Td>
                  <Table.Td>{e.ip ?? strings.common.none}</Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
            <LoadMore data={shown} field="auditEvents" loading={loading} fetchMore={fetchMore} />
          </>
        )
      ) : !error ? (
        <Loading />
      ) : null}
    </>
  );
}
