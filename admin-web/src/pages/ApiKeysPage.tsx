import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Group, Modal, MultiSelect, Stack, Table, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../errors';
import { DataTable, QueryRows } from '../components/DataTable';
import { ConfirmButton, ErrorAlert, PageTitle, SecretValue, useAction, useCanWrite } from '../components/ui';
import { formatDateTime } from '../format';
import { API_KEYS, CREATE_API_KEY, REVOKE_API_KEY, type ApiScope } from '../graphql';
import { strings } from '../strings';

const t = strings.apiKeys;
const SCOPES: ApiScope[] = [
  'READ',
  'MEMBERS_WRITE',
  'MEMBERS_SECRETS',
  'LOCATIONS_WRITE',
  'NAS_WRITE',
  'GROUPS_WRITE',
  'INTEGRATIONS_WRITE',
  'SYNC_RUN',
  'AUDIT_READ',
];

export default function ApiKeysPage() {
  const { data, error, refetch } = useQuery(API_KEYS);
  const canWrite = useCanWrite('apiKeys');
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const action = useAction();
  const [revoke] = useMutation(REVOKE_API_KEY);
  return (
    <>
      <PageTitle
        title={t.title}
        intro={t.intro}
        actions={canWrite ? <Button onClick={() => setAdding(true)}>{t.add}</Button> : undefined}
      />
      <ErrorAlert error={action.error} />
      <QueryRows rows={data?.apiKeys} error={error} refetch={refetch} empty={t.empty}>
        {(apiKeys) => (
          <DataTable
            minWidth={800}
            columns={[t.colName, t.colPrefix, t.colScopes, t.colLastUsed, t.colState, canWrite && '']}
          >
            {apiKeys.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Th scope="row">{k.name}</Table.Th>
                <Table.Td>
                  <code>{k.prefix}…</code>
                </Table.Td>
                <Table.Td>{k.scopes.join(', ')}</Table.Td>
                <Table.Td>{formatDateTime(k.lastUsedAt)}</Table.Td>
                <Table.Td>
                  <Badge color={k.revokedAt ? 'gray' : 'teal'} variant="light">
                    {k.revokedAt ? t.revoked : t.active}
                  </Badge>
                </Table.Td>
                {canWrite ? (
                  <Table.Td>
                    {!k.revokedAt ? (
                      <ConfirmButton
                        size="xs"
                        variant="subtle"
                        color="red"
                        label={t.revoke}
                        aria-label={`${t.revoke}: ${k.name}`}
                        question={t.revokeConfirm}
                        onConfirm={() => action.run(() => revoke({ variables: { id: k.id } }))}
                      />
                    ) : null}
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </QueryRows>
      <Modal opened={adding} onClose={() => setAdding(false)} title={t.add}>
        {adding ? (
          <AddKey
            onCreated={(key) => {
              setAdding(false);
              setCreated(key);
            }}
          />
        ) : null}
      </Modal>
      <Modal opened={created !== null} onClose={() => setCreated(null)} title={t.keyTitle} size="lg">
        {created ? <SecretValue label={t.keyTitle} value={created} note={t.keyOnce} /> : null}
      </Modal>
    </>
  );
}

function AddKey({ onCreated }: { onCreated: (key: string) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['READ']);
  const { run, error, busy } = useAction();
  const [create] = useMutation(CREATE_API_KEY, { refetchQueries: [{ query: API_KEYS }] });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const r = await run(() =>
      create({ variables: { input: { name: name.trim(), scopes: scopes as ApiScope[] } } }),
    );
    if (r) onCreated(r.createApiKey.key);
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
        <MultiSelect
          label={t.scopes}
          data={SCOPES}
          value={scopes}
          onChange={setScopes}
          error={fieldError(error, 'scopes')}
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
