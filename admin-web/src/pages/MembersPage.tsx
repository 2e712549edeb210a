import { useMutation, useQuery } from '@apollo/client/react';
import { INTEGRATIONS } from '../graphql-integrations';
import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Table,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../errors';
import { LoadMore } from '../components/LoadMore';
import { DataTable } from '../components/DataTable';
import { Empty, ErrorAlert, Loading, PageTitle, QueryError, useAction, useCanWrite } from '../components/ui';
import { useGroupOptions, useLocationOptions } from '../components/useLocations';
import { CREATE_MEMBER, MEMBERS, type MemberFilter, type MemberStatus } from '../graphql';
import { Link, navigate } from '../router';
import { strings } from '../strings';

const t = strings.members;
const PAGE = 50;
export const statusColor: Record<string, string> = { ACTIVE: 'teal', DISABLED: 'orange', DELETED: 'gray' };

export default function MembersPage() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [status, setStatus] = useState<string | null>(null);
  const [locationId, setLocationId] = useState<string | null>(null);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [integrationId, setIntegrationId] = useState<string | null>(null);
  const [access, setAccess] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const canWrite = useCanWrite('members');
  const locations = useLocationOptions();
  const groups = useGroupOptions();
  const integrations = useQuery(INTEGRATIONS).data?.integrations ?? [];
  const filter: MemberFilter = {
    search: debounced.trim() || null,
    status: (status as MemberStatus) || null,
    locationId,
    groupId,
    integrationId,
    hasAccess: access === 'yes' ? true : access === 'no' ? false : null,
  };
  const { data, previousData, error, refetch, fetchMore, loading } = useQuery(MEMBERS, {
    variables: { filter, first: PAGE },
    notifyOnNetworkStatusChange: true,
  });
  const shown = data ?? previousData;

  return (
    <>
      <PageTitle
        title={t.title}
        actions={canWrite ? <Button onClick={() => setAdding(true)}>{t.add}</Button> : undefined}
      />
      <Group align="flex-end" mb="md" wrap="wrap">
        <TextInput
          label={t.search}
          placeholder={t.searchHint}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          type="search"
          w={260}
        />
        <Select
          label={t.status}
          clearable
          placeholder={strings.common.any}
          data={['ACTIVE', 'DISABLED', 'DELETED'].map((s) => ({ value: s, label: strings.status[s]! }))}
          value={status}
          onChange={setStatus}
          w={150}
        />
        <Select
          label={t.location}
          clearable
          placeholder={strings.common.any}
          data={locations}
          value={locationId}
          onChange={setLocationId}
          w={180}
        />
        <Select
          label={t.group}
          clearable
          searchable
          placeholder={strings.common.any}
          data={groups}
          value={groupId}
          onChange={setGroupId}
          w={180}
        />
        {integrations.length > 0 ? (
          <Select
            label={t.integration}
            clearable
            placeholder={strings.common.any}
            data={integrations.map((i) => ({ value: i.id, label: i.name }))}
            value={integrationId}
            onChange={setIntegrationId}
            w={180}
          />
        ) : null}
        <Select
          label={t.access}
          clearable
          placeholder={strings.common.any}
          data={[
            { value: 'yes', label: t.withAccess },
            { value: 'no', label: t.withoutAccess },
          ]}
          value={access}
          onChange={setAccess}
          w={150}
        />
      </Group>
      {shown ? (
        shown.members.nodes.length === 0 ? (
          <Empty>{t.empty}</Empty>
        ) : (
          <>
            <DataTable
              minWidth={800}
              highlightOnHover
              busy={loading}
              columns={[t.colName, t.colEmail, t.colCompany, t.colLocations, t.colStatus]}
            >
              {shown.members.nodes.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Th scope="row">
                    <Anchor component={Link} to={{ name: 'member', id: m.id }}>
                      {m.fullName}
                    </Anchor>
                  </Table.Th>
                  <Table.Td>{m.email}</Table.Td>
                  <Table.Td>{m.company ?? strings.common.none}</Table.Td>
                  <Table.Td>{m.homeLocations.map((l) => l.name).join(', ') || strings.common.none}</Table.Td>
                  <Table.Td>
                    <Badge color={statusColor[m.status]} variant="light">
                      {strings.status[m.status]}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
            <LoadMore data={shown} field="members" loading={loading} fetchMore={fetchMore} />
          </>
        )
      ) : error ? (
        <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : (
        <Loading />
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} title={t.add}>
        {adding ? <AddMember locations={locations} /> : null}
      </Modal>
    </>
  );
}

function AddMember({ locations }: { locations: Array<{ value: string; label: string }> }) {
  const [fullName, setFullName] = useState('');
  const [email, setEmail] = useState('');
  const [company, setCompany] = useState('');
  const [locationIds, setLocationIds] = useState<string[]>(
    locations.length === 1 ? [locations[0]!.value] : [],
  );
  const { run, error, busy } = useAction();
  const [create] = useMutation(CREATE_MEMBER, { refetchQueries: ['Members'] });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const r = await run(() =>
      create({
        variables: {
          input: {
            fullName: fullName.trim(),
            email: email.trim(),
            company: company.trim() || null,
            locationIds,
          },
        },
      }),
    );
    if (r) navigate({ name: 'member', id: r.createMember.member.id });
  }
  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} />
      <Stack>
        <TextInput
          label={t.fullName}
          required
          value={fullName}
          onChange={(e) => setFullName(e.currentTarget.value)}
          error={fieldError(error, 'fullName')}
        />
        <TextInput
          label={t.email}
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldError(error, 'email')}
        />
        <TextInput label={t.company} value={company} onChange={(e) => setCompany(e.currentTarget.value)} />
        <MultiSelect
          label={t.homeLocations}
          data={locations}
          value={locationIds}
          onChange={setLocationIds}
          error={fieldError(error, 'locationIds')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t.add}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
