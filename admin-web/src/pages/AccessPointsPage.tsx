import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Group, Modal, Table } from '@mantine/core';
import { useState } from 'react';
import { NasForm, SecretAndSnippet } from '../components/NasForm';
import { DataTable, QueryRows } from '../components/DataTable';
import { ConfirmButton, DeleteButton, ErrorAlert, PageTitle, useAction, useCanWrite } from '../components/ui';
import { formatDateTime } from '../format';
import { DELETE_NAS, NAS_CLIENTS, ROTATE_NAS_SECRET, UPDATE_NAS, type NasRow } from '../graphql';
import { strings } from '../strings';

const t = strings.accessPoints;

export default function AccessPointsPage() {
  const { data, error, refetch } = useQuery(NAS_CLIENTS);
  const canWrite = useCanWrite('accessPoints');
  const [adding, setAdding] = useState(false);
  const [shown, setShown] = useState<{ nas: NasRow; secret: string } | null>(null);
  const action = useAction();
  const [rotate] = useMutation(ROTATE_NAS_SECRET);
  const [update] = useMutation(UPDATE_NAS);
  const [remove] = useMutation(DELETE_NAS, { refetchQueries: [{ query: NAS_CLIENTS }] });

  return (
    <>
      <PageTitle
        title={t.title}
        intro={t.intro}
        actions={canWrite ? <Button onClick={() => setAdding(true)}>{t.add}</Button> : undefined}
        readOnly={!canWrite}
      />
      <ErrorAlert error={action.error} />
      <QueryRows rows={data?.nasClients} error={error} refetch={refetch} empty={t.empty}>
        {(nasClients) => (
          <DataTable
            minWidth={900}
            columns={[
              t.colName,
              t.colLocation,
              t.colAddress,
              t.colVendor,
              t.colCoa,
              t.colLastSeen,
              canWrite && '',
            ]}
          >
            {nasClients.map((n) => (
              <Table.Tr key={n.id}>
                <Table.Th scope="row">
                  {n.name}{' '}
                  {n.requireMessageAuthenticator ? null : (
                    <Badge color="orange" size="xs">
                      {t.maOffBadge}
                    </Badge>
                  )}
                </Table.Th>
                <Table.Td>{n.location.name}</Table.Td>
                <Table.Td>
                  <code>{n.ipAddress}</code>
                </Table.Td>
                <Table.Td>{t.vendors[n.vendor] ?? n.vendor}</Table.Td>
                <Table.Td>{n.coaPort}</Table.Td>
                <Table.Td>{n.lastSeenAt ? formatDateTime(n.lastSeenAt) : strings.common.never}</Table.Td>
                {canWrite ? (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <ConfirmButton
                        size="xs"
                        variant="light"
                        color="orange"
                        label={t.rotate}
                        aria-label={`${t.rotate}: ${n.name}`}
                        question={t.rotateConfirm}
                        onConfirm={async () => {
                          const r = await action.run(() => rotate({ variables: { input: { id: n.id } } }));
                          if (r)
                            setShown({
                              nas: r.rotateNasClientSecret.nasClient,
                              secret: r.rotateNasClientSecret.secret,
                            });
                        }}
                      />
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() =>
                          void action.run(() =>
                            update({
                              variables: {
                                input: {
                                  id: n.id,
                                  requireMessageAuthenticator: !n.requireMessageAuthenticator,
                                },
                              },
                            }),
                          )
                        }
                      >
                        {n.requireMessageAuthenticator ? t.maTurnOff : t.maTurnOn}
                      </Button>
                      <DeleteButton
                        name={n.name}
                        question={t.deleteConfirm}
                        onConfirm={() => action.run(() => remove({ variables: { id: n.id } }))}
                      />
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </QueryRows>
      <Modal opened={adding} onClose={() => setAdding(false)} title={t.add} size="lg">
        <NasForm
          onCreated={(nas, secret) => {
            setAdding(false);
            setShown({ nas, secret });
          }}
        />
      </Modal>
      <Modal opened={shown !== null} onClose={() => setShown(null)} title={shown?.nas.name} size="xl">
        {shown ? <SecretAndSnippet nas={shown.nas} secret={shown.secret} /> : null}
      </Modal>
    </>
  );
}
