import { useMutation, useQuery } from '@apollo/client/react';
import {
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../errors';
import { DataTable, QueryRows } from '../components/DataTable';
import { DeleteButton, ErrorAlert, PageTitle, useAction, useCanWrite } from '../components/ui';
import { useLocationOptions } from '../components/useLocations';
import { CREATE_GROUP, DELETE_GROUP, GROUPS, UPDATE_GROUP, type GroupRow } from '../graphql';
import { strings } from '../strings';

const t = strings.groups;
const n = (v: string | number): number | null => (typeof v === 'number' ? v : null);

export default function GroupsPage() {
  const { data, error, refetch } = useQuery(GROUPS);
  const canWrite = useCanWrite('groups');
  const [editing, setEditing] = useState<GroupRow | 'new' | null>(null);
  const del = useAction();
  const [remove] = useMutation(DELETE_GROUP, { refetchQueries: [{ query: GROUPS }] });
  return (
    <>
      <PageTitle
        title={t.title}
        intro={t.intro}
        actions={canWrite ? <Button onClick={() => setEditing('new')}>{t.add}</Button> : undefined}
        readOnly={!canWrite}
      />
      <ErrorAlert error={del.error} />
      <QueryRows rows={data?.groups} error={error} refetch={refetch} empty={t.empty}>
        {(groups) => (
          <DataTable
            minWidth={900}
            columns={[
              t.colName,
              t.colOrigin,
              t.colLocation,
              t.colVlan,
              t.colBandwidth,
              t.colTimeout,
              t.colDevices,
              t.colMembers,
              canWrite && '',
            ]}
          >
            {groups.map((g) => (
              <Table.Tr key={g.id}>
                <Table.Th scope="row">{g.name}</Table.Th>
                <Table.Td>{t.origins[g.origin]}</Table.Td>
                <Table.Td>{g.location?.name ?? strings.common.everyLocation}</Table.Td>
                <Table.Td>{g.vlanId ?? strings.common.none}</Table.Td>
                <Table.Td>
                  {g.bandwidthUpKbps ?? '∞'} / {g.bandwidthDownKbps ?? '∞'}
                </Table.Td>
                <Table.Td>{g.sessionTimeoutSeconds ?? strings.common.none}</Table.Td>
                <Table.Td>{g.maxDevices ?? strings.common.none}</Table.Td>
                <Table.Td>{g.memberCount}</Table.Td>
                {canWrite ? (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="light" onClick={() => setEditing(g)}>
                        {strings.common.edit}
                      </Button>
                      <DeleteButton
                        question={t.deleteConfirm}
                        onConfirm={() => del.run(() => remove({ variables: { id: g.id } }))}
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
          <GroupForm group={editing === 'new' ? undefined : editing} onSaved={() => setEditing(null)} />
        ) : null}
      </Modal>
    </>
  );
}

function GroupForm({ group, onSaved }: { group?: GroupRow; onSaved: () => void }) {
  const locations = useLocationOptions();
  const [name, setName] = useState(group?.name ?? '');
  const [locationId, setLocationId] = useState<string | null>(group?.location?.id ?? null);
  const [autoVlan, setAutoVlan] = useState(false);
  const [vlanId, setVlanId] = useState<string | number>(group?.vlanId ?? '');
  const [up, setUp] = useState<string | number>(group?.bandwidthUpKbps ?? '');
  const [down, setDown] = useState<string | number>(group?.bandwidthDownKbps ?? '');
  const [timeout, setTimeoutS] = useState<string | number>(group?.sessionTimeoutSeconds ?? '');
  const [maxDevices, setMaxDevices] = useState<string | number>(group?.maxDevices ?? '');
  const { run, error, busy } = useAction();
  const opts = { refetchQueries: [{ query: GROUPS }] };
  const [create] = useMutation(CREATE_GROUP, opts);
  const [update] = useMutation(UPDATE_GROUP, opts);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const input = {
      name: name.trim(),
      locationId,
      ...(autoVlan ? { autoVlan: true } : { vlanId: n(vlanId) }),
      bandwidthUpKbps: n(up),
      bandwidthDownKbps: n(down),
      sessionTimeoutSeconds: n(timeout),
      maxDevices: n(maxDevices),
    };
    const ok = group
      ? await run(() => update({ variables: { input: { id: group.id, ...input } } }))
      : await run(() => create({ variables: { input } }));
    if (ok) onSaved();
  }
  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} />
      <Stack>
        <TextInput
          label={t.name}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(error, 'name')}
        />
        <Select
          label={t.location}
          clearable
          placeholder={strings.common.everyLocation}
          data={locations}
          value={locationId}
          onChange={setLocationId}
        />
        <Switch
          label={t.autoVlan}
          checked={autoVlan}
          onChange={(e) => setAutoVlan(e.currentTarget.checked)}
          disabled={!locationId}
        />
        {!autoVlan ? (
          <NumberInput
            label={t.vlanId}
            min={1}
            max={4094}
            value={vlanId}
            onChange={setVlanId}
            error={fieldError(error, 'vlanId')}
          />
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label={t.up}
            min={1}
            value={up}
            onChange={setUp}
            error={fieldError(error, 'bandwidthUpKbps')}
          />
          <NumberInput
            label={t.down}
            min={1}
            value={down}
            onChange={setDown}
            error={fieldError(error, 'bandwidthDownKbps')}
          />
          <NumberInput
            label={t.timeout}
            min={60}
            value={timeout}
            onChange={setTimeoutS}
            error={fieldError(error, 'sessionTimeoutSeconds')}
          />
          <NumberInput
            label={t.maxDevices}
            min={1}
            value={maxDevices}
            onChange={setMaxDevices}
            error={fieldError(error, 'maxDevices')}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {strings.common.save}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
