import { useMutation, useQuery } from '@apollo/client/react';
import { Anchor, Button, Group, Modal, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { LocationForm } from '../components/LocationForm';
import {
  ConfirmButton,
  Empty,
  ErrorAlert,
  Loading,
  PageTitle,
  QueryError,
  useAction,
  useCanWrite,
} from '../components/ui';
import { DELETE_LOCATION, LOCATIONS, type LocationRow } from '../graphql';
import { strings } from '../strings';

const t = strings.locations;

export default function LocationsPage() {
  const { data, error, refetch } = useQuery(LOCATIONS);
  const canWrite = useCanWrite('locations');
  const [editing, setEditing] = useState<LocationRow | 'new' | null>(null);
  const del = useAction();
  const [deleteLocation] = useMutation(DELETE_LOCATION, { refetchQueries: [{ query: LOCATIONS }] });

  return (
    <>
      <PageTitle
        title={t.title}
        intro={t.intro}
        actions={canWrite ? <Button onClick={() => setEditing('new')}>{t.add}</Button> : undefined}
      />
      {!canWrite ? (
        <Text c="dimmed" size="sm" mb="sm">
          {strings.common.readOnly}
        </Text>
      ) : null}
      <ErrorAlert error={del.error} />
      {data ? (
        data.locations.length === 0 ? (
          <Empty>{t.empty}</Empty>
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t.colName}</Table.Th>
                  <Table.Th>{t.colSlug}</Table.Th>
                  <Table.Th>{t.colTimezone}</Table.Th>
                  <Table.Th>{t.colSsids}</Table.Th>
                  <Table.Th>{t.colVlans}</Table.Th>
                  <Table.Th>{t.colPortal}</Table.Th>
                  {canWrite ? <Table.Th /> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.locations.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Th scope="row">{l.name}</Table.Th>
                    <Table.Td>
                      <code>{l.slug}</code>
                    </Table.Td>
                    <Table.Td>{l.timezone}</Table.Td>
                    <Table.Td>
                      {l.ssids.length ? (
                        l.ssids.join(', ')
                      ) : (
                        <Text c="dimmed" span>
                          {t.noSsids}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {l.vlanPoolStart && l.vlanPoolEnd
                        ? `${l.vlanPoolStart}–${l.vlanPoolEnd}`
                        : strings.common.none}
                    </Table.Td>
                    <Table.Td>
                      <Anchor href={l.portalUrl} target="_blank" rel="noreferrer">
                        /portal/{l.slug}
                      </Anchor>
                    </Table.Td>
                    {canWrite ? (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button
                            size="xs"
                            variant="light"
                            onClick={() => setEditing(l)}
                            aria-label={`${strings.common.edit} ${l.name}`}
                          >
                            {strings.common.edit}
                          </Button>
                          <ConfirmButton
                            size="xs"
                            variant="subtle"
                            color="red"
                            label={strings.common.delete}
                            aria-label={`${strings.common.delete} ${l.name}`}
                            question={t.deleteConfirm}
                            onConfirm={() => del.run(() => deleteLocation({ variables: { id: l.id } }))}
                          />
                        </Group>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      ) : error ? (
        <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : (
        <Loading />
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t.add : t.editTitle}
        size="lg"
      >
        {editing !== null ? (
          <LocationForm location={editing === 'new' ? undefined : editing} onSaved={() => setEditing(null)} />
        ) : null}
      </Modal>
    </>
  );
}
