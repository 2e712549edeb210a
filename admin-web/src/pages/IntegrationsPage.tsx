import { useQuery } from '@apollo/client/react';
import { Anchor, Badge, Button, Group, Modal, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ConnectIntegrationForm } from '../components/IntegrationForms';
import { HealthBadge, RunStatusBadge, runCountsText } from '../components/IntegrationBits';
import { DataTable, QueryRows } from '../components/DataTable';
import { PageTitle, useCanWrite } from '../components/ui';
import { formatDateTime } from '../format';
import { INTEGRATIONS } from '../graphql-integrations';
import { Link, navigate } from '../router';
import { strings } from '../strings';

const t = strings.integrations;

export default function IntegrationsPage() {
  const { data, error, refetch } = useQuery(INTEGRATIONS);
  const canWrite = useCanWrite('integrations');
  const [adding, setAdding] = useState(false);

  return (
    <>
      <PageTitle
        title={t.title}
        intro={t.intro}
        actions={canWrite ? <Button onClick={() => setAdding(true)}>{t.add}</Button> : undefined}
        readOnly={!canWrite}
      />
      <QueryRows rows={data?.integrations} error={error} refetch={refetch} empty={t.empty}>
        {(integrations) => (
          <DataTable
            minWidth={800}
            columns={[t.colName, t.colKind, t.colHealth, t.colLastSync, t.colLastRun]}
          >
            {integrations.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Th scope="row">
                  <Anchor component={Link} to={{ name: 'integration', id: i.id }}>
                    {i.name}
                  </Anchor>
                </Table.Th>
                <Table.Td>{t.kinds[i.kind] ?? i.kind}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <HealthBadge health={i.status} />
                    {i.enabled ? null : (
                      <Badge color="gray" variant="outline">
                        {t.disabledBadge}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{i.lastSyncAt ? formatDateTime(i.lastSyncAt) : strings.common.never}</Table.Td>
                <Table.Td>
                  {i.lastRun ? (
                    <Group gap="xs" wrap="nowrap">
                      <Anchor component={Link} to={{ name: 'syncRun', id: i.lastRun.id }}>
                        <RunStatusBadge status={i.lastRun.status} />
                      </Anchor>
                      <Text size="sm">{runCountsText(i.lastRun)}</Text>
                    </Group>
                  ) : (
                    strings.common.none
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </QueryRows>
      <Modal opened={adding} onClose={() => setAdding(false)} title={t.add} size="lg">
        <ConnectIntegrationForm
          onConnected={(integration, run) => {
            setAdding(false);
            navigate(run ? { name: 'syncRun', id: run.id } : { name: 'integration', id: integration.id });
          }}
        />
      </Modal>
    </>
  );
}
