import { useMutation, useQuery } from '@apollo/client/react';
import { Anchor, Button, Group, Modal, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { LocationForm } from '../components/LocationForm';
import { DataTable, QueryRows } from '../components/DataTable';
import { DeleteButton, ErrorAlert, PageTitle, useAction, useCanWrite } from '../components/ui';
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
        readOnly={!canWrite}
      />
      <ErrorAlert error={del.error} />
      <QueryRows rows={data?.locations} error={error} refetch={refetch} empty={t.empty}>
        {(locations) => (
          <DataTable
            minWidth={800}
            highlightOnHover
            columns={[
              t.colName,
              t.colSlug,
              t.colTimezone,
              t.colSsids,
              t.colVlans,
              t.colPortal,
              canWrite && '',
            ]}
          >
            {locations.map((l) => (
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
                      <DeleteButton
                        name={l.name}
                        question={t.deleteConfirm}
                        onConfirm={() => del.run(() => deleteLocation({ variables: { id: l.id } }))}
                      />
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </QueryRows>
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
