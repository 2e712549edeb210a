import { useMutation, useQuery } from '@apollo/client/react';
import {
  Badge,
  Button,
  Group,
  Modal,
  MultiSelect,
  PasswordInput,
  Select,
  Stack,
  Table,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../errors';
import { DataTable, QueryRows } from '../components/DataTable';
import { DeleteButton, ErrorAlert, PageTitle, useAction, useCanWrite, useSession } from '../components/ui';
import { useLocationOptions } from '../components/useLocations';
import { formatDateTime } from '../format';
import { ADMINS, CREATE_ADMIN, DELETE_ADMIN, UPDATE_ADMIN, type AdminRole } from '../graphql';
import { strings } from '../strings';

const t = strings.admins;
const ROLES: AdminRole[] = ['OWNER', 'ADMIN', 'LOCATION_MANAGER', 'VIEWER'];
const roleOptions = ROLES.map((r) => ({ value: r, label: strings.roles[r]! }));

export default function AdminsPage() {
  const { admin: me } = useSession();
  const { data, error, refetch } = useQuery(ADMINS);
  const canWrite = useCanWrite('admins');
  const [adding, setAdding] = useState(false);
  const action = useAction();
  const [update] = useMutation(UPDATE_ADMIN);
  const [remove] = useMutation(DELETE_ADMIN, { refetchQueries: [{ query: ADMINS }] });
  return (
    <>
      <PageTitle
        title={t.title}
        actions={canWrite ? <Button onClick={() => setAdding(true)}>{t.add}</Button> : undefined}
      />
      <ErrorAlert error={action.error} />
      <QueryRows rows={data?.adminUsers} error={error} refetch={refetch} empty={t.empty}>
        {(adminUsers) => (
          <DataTable
            minWidth={800}
            columns={[t.colEmail, t.colRole, t.colLocations, t.colLastLogin, t.colState, canWrite && '']}
          >
            {adminUsers.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Th scope="row">
                  {a.email} {a.id === me.id ? t.you : ''}
                </Table.Th>
                <Table.Td>
                  {canWrite && a.id !== me.id ? (
                    <Select
                      aria-label={`${t.role}: ${a.email}`}
                      data={roleOptions}
                      value={a.role}
                      allowDeselect={false}
                      onChange={(role) =>
                        role &&
                        void action.run(() =>
                          update({ variables: { input: { id: a.id, role: role as AdminRole } } }),
                        )
                      }
                      w={190}
                    />
                  ) : (
                    strings.roles[a.role]
                  )}
                </Table.Td>
                <Table.Td>{a.locations.map((l) => l.name).join(', ') || strings.common.all}</Table.Td>
                <Table.Td>{formatDateTime(a.lastLoginAt)}</Table.Td>
                <Table.Td>
                  <Badge color={a.disabledAt ? 'gray' : 'teal'} variant="light">
                    {a.disabledAt ? t.disabled : t.active}
                  </Badge>
                </Table.Td>
                {canWrite ? (
                  <Table.Td>
                    {a.id !== me.id ? (
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="light"
                          onClick={() =>
                            void action.run(() =>
                              update({ variables: { input: { id: a.id, disabled: !a.disabledAt } } }),
                            )
                          }
                        >
                          {a.disabledAt ? t.enable : t.disable}
                        </Button>
                        <DeleteButton
                          question={t.deleteConfirm}
                          onConfirm={() => action.run(() => remove({ variables: { id: a.id } }))}
                        />
                      </Group>
                    ) : null}
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </QueryRows>
      <Modal opened={adding} onClose={() => setAdding(false)} title={t.add}>
        {adding ? <AddAdmin onDone={() => setAdding(false)} /> : null}
      </Modal>
    </>
  );
}

function AddAdmin({ onDone }: { onDone: () => void }) {
  const locations = useLocationOptions();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<string | null>('VIEWER');
  const [locationIds, setLocationIds] = useState<string[]>([]);
  const { run, error, busy } = useAction();
  const [create] = useMutation(CREATE_ADMIN, { refetchQueries: [{ query: ADMINS }] });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const r = await run(() =>
      create({
        variables: {
          input: { email: email.trim(), password, role: (role ?? 'VIEWER') as AdminRole, locationIds },
        },
      }),
    );
    if (r) onDone();
  }
  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} />
      <Stack>
        <TextInput
          label={t.email}
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldError(error, 'email')}
        />
        <PasswordInput
          label={t.password}
          description={strings.setup.passwordHint}
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fieldError(error, 'password')}
        />
        <Select label={t.role} data={roleOptions} value={role} onChange={setRole} allowDeselect={false} />
        {role === 'LOCATION_MANAGER' ? (
          <MultiSelect
            label={t.locations}
            data={locations}
            value={locationIds}
            onChange={setLocationIds}
            error={fieldError(error, 'locationIds')}
          />
        ) : null}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t.add}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
