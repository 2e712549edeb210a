import { useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  MultiSelect,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../errors';
import { DataTable } from '../components/DataTable';
import {
  ConfirmButton,
  CopyText,
  DeleteButton,
  Empty,
  ErrorAlert,
  Loading,
  PageTitle,
  QueryError,
  reasonText,
  SectionTitle,
  useAction,
  useCanWrite,
} from '../components/ui';
import { useGroupOptions, useLocationOptions } from '../components/useLocations';
import { formatBytes, formatDateTime, isoToLocalInput, localInputToIso } from '../format';
import {
  CREATE_GRANT,
  DELETE_GRANT,
  DELETE_MEMBER,
  DISABLE_MEMBER,
  DISCONNECT_MEMBER,
  ENABLE_MEMBER,
  MEMBER,
  MEMBER_ACCESS,
  REVEAL_PASSPHRASE,
  ROTATE_PASSPHRASE,
  SESSIONS,
  SET_PASSPHRASE,
  UPDATE_GRANT,
  UPDATE_MEMBER,
  type GrantKind,
  type MemberDetail,
} from '../graphql';
import { Link, navigate } from '../router';
import type { Route } from '../routes';
import { RESEND_MEMBER_CREDENTIALS } from '../graphql-integrations';
import { strings } from '../strings';
import { statusColor } from './MembersPage';

const t = strings.member;

export default function MemberPage({ route }: { route: Route }) {
  const id = route.name === 'member' ? route.id : '';
  const { data, error, refetch } = useQuery(MEMBER, { variables: { id } });
  const [notice, setNotice] = useState('');
  if (!data)
    return (
      <>
        <Anchor component={Link} to={{ name: 'members' }}>
          ← {t.back}
        </Anchor>
        {error ? (
          <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
        ) : (
          <Loading />
        )}
      </>
    );
  const m = data.member;
  return (
    <>
      <Anchor component={Link} to={{ name: 'members' }}>
        ← {t.back}
      </Anchor>
      <PageTitle
        title={m.fullName}
        actions={
          <Badge size="lg" color={statusColor[m.status]} variant="light">
            {strings.status[m.status]}
          </Badge>
        }
      />
      <Text c="dimmed" mb="sm">
        {m.email} · {t.username}: <code>{m.username}</code>
        {m.company ? ` · ${m.company}` : ''} · {t.since} {formatDateTime(m.createdAt)}
      </Text>
      <Alert
        color="teal"
        role="status"
        hidden={!notice}
        mb="sm"
        withCloseButton
        onClose={() => setNotice('')}
      >
        {notice}
      </Alert>
      <MemberActions member={m} onNotice={setNotice} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} mt="md">
        <AccessPanel member={m} />
        <PassphrasePanel member={m} onNotice={setNotice} />
      </SimpleGrid>
      <Grants member={m} />
      <Groups member={m} />
      <SectionTitle>{t.devicesTitle}</SectionTitle>
      {m.devices.length === 0 ? (
        <Empty>{t.noDevices}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={500}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.colMac}</Table.Th>
                <Table.Th>{t.colLearned}</Table.Th>
                <Table.Th>{t.colLastSeen}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {m.devices.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <code>{d.mac}</code> {d.name}
                  </Table.Td>
                  <Table.Td>{d.learnedBy}</Table.Td>
                  <Table.Td>{formatDateTime(d.lastSeenAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <RecentSessions memberId={m.id} />
    </>
  );
}

function MemberActions({ member, onNotice }: { member: MemberDetail; onNotice: (s: string) => void }) {
  const canWrite = useCanWrite('members');
  const { run, error, busy } = useAction();
  const [disable] = useMutation(DISABLE_MEMBER);
  const [enable] = useMutation(ENABLE_MEMBER);
  const [remove] = useMutation(DELETE_MEMBER, { refetchQueries: ['Members'] });
  const [disconnect] = useMutation(DISCONNECT_MEMBER);
  const canSecrets = useCanWrite('secrets');
  const [resend] = useMutation(RESEND_MEMBER_CREDENTIALS);
  if (!canWrite || member.status === 'DELETED') return null;
  const vars = { variables: { memberId: member.id } };
  return (
    <>
      <ErrorAlert error={error} />
      <Group gap="xs">
        {member.status === 'ACTIVE' ? (
          <Button variant="light" color="orange" loading={busy} onClick={() => void run(() => disable(vars))}>
            {t.disable}
          </Button>
        ) : (
          <Button variant="light" color="teal" loading={busy} onClick={() => void run(() => enable(vars))}>
            {t.enable}
          </Button>
        )}
        <Button
          variant="light"
          onClick={async () => {
            const r = await run(() => disconnect(vars));
            if (r) onNotice(t.disconnected(r.disconnectMember.sessionsRequested));
          }}
        >
          {t.disconnect}
        </Button>
        {canSecrets && member.status === 'ACTIVE' ? (
          <Button
            variant="light"
            onClick={async () => {
              const r = await run(() => resend(vars));
              if (r) onNotice(t.resent(r.resendMemberCredentials.outboxMessage.toAddress));
            }}
          >
            {t.resendCredentials}
          </Button>
        ) : null}
        <ConfirmButton
          variant="subtle"
          color="red"
          label={t.deleteMember}
          question={t.deleteConfirm}
          onConfirm={async () => {
            if (await run(() => remove(vars))) navigate({ name: 'members' });
          }}
        />
      </Group>
    </>
  );
}

function AccessPanel({ member }: { member: MemberDetail }) {
  const all = useLocationOptions();
  const homes = member.homeLocations.map((l) => l.id);
  const options = all.length ? all : member.homeLocations.map((l) => ({ value: l.id, label: l.name }));
  const [chosen, setChosen] = useState<string | null>(null);
  const locationId = chosen ?? homes[0] ?? options[0]?.value ?? null;
  const { data, error, refetch } = useQuery(MEMBER_ACCESS, {
    variables: { id: member.id, locationId: locationId ?? '' },
    skip: !locationId,
    fetchPolicy: 'network-only',
  });
  const d = data?.member.accessAt;
  return (
    <Paper withBorder p="md">
      <SectionTitle>{t.accessTitle}</SectionTitle>
      {!locationId ? (
        <Empty>{t.noLocations}</Empty>
      ) : (
        <Stack gap="xs">
          <Select
            label={t.accessAt}
            data={options}
            value={locationId}
            onChange={setChosen}
            allowDeselect={false}
            w={260}
          />
          {d ? (
            <>
              <Group gap="xs">
                <Badge color={d.allowed ? 'teal' : 'red'} size="lg">
                  {d.allowed ? t.allowed : t.denied}
                </Badge>
                <Text>{reasonText(d.reason)}</Text>
              </Group>
              {d.allowed ? (
                <Text>
                  {d.grantKind ? t.decisionBy(strings.grantKinds[d.grantKind] ?? d.grantKind) : ''}{' '}
                  {d.validUntil ? t.until(formatDateTime(d.validUntil)) : t.openEnded}
                </Text>
              ) : null}
              <SimpleGrid cols={2} spacing={4}>
                <Text size="sm" c="dimmed">
                  {t.vlan}
                </Text>
                <Text size="sm">{d.vlanId ?? strings.common.none}</Text>
                <Text size="sm" c="dimmed">
                  {t.bandwidth}
                </Text>
                <Text size="sm">
                  {d.bandwidthUpKbps ?? '∞'} / {d.bandwidthDownKbps ?? '∞'} kbit/s
                </Text>
                <Text size="sm" c="dimmed">
                  {t.sessionTimeout}
                </Text>
                <Text size="sm">
                  {d.sessionTimeoutSeconds ? `${d.sessionTimeoutSeconds} s` : strings.common.none}
                </Text>
                <Text size="sm" c="dimmed">
                  {t.maxDevices}
                </Text>
                <Text size="sm">{d.maxDevices ?? strings.common.none}</Text>
              </SimpleGrid>
            </>
          ) : error ? (
            <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
          ) : (
            <Loading />
          )}
        </Stack>
      )}
    </Paper>
  );
}

function PassphrasePanel({ member, onNotice }: { member: MemberDetail; onNotice: (s: string) => void }) {
  const canSecrets = useCanWrite('secrets');
  const canWrite = useCanWrite('members');
  const [revealed, setRevealed] = useState<string | null>(null);
  const [setting, setSetting] = useState(false);
  const [value, setValue] = useState('');
  const { run, error, busy } = useAction();
  const [reveal] = useMutation(REVEAL_PASSPHRASE);
  const [rotate] = useMutation(ROTATE_PASSPHRASE);
  const [setPass] = useMutation(SET_PASSPHRASE);
  const vars = { variables: { memberId: member.id } };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (await run(() => setPass({ variables: { input: { memberId: member.id, passphrase: value } } }))) {
      setSetting(false);
      setValue('');
      setRevealed(null);
      onNotice(t.passphraseSaved);
    }
  }

  return (
    <Paper withBorder p="md">
      <SectionTitle>{t.passphraseTitle}</SectionTitle>
      <ErrorAlert error={setting ? null : error} />
      <Text mb="xs">
        {member.hasPassphrase ? t.passphraseSet(formatDateTime(member.passphraseUpdatedAt)) : t.noPassphrase}
      </Text>
      {revealed ? (
        <Group mb="xs">
          <Code fz="lg" aria-label={t.passphraseTitle}>
            {revealed}
          </Code>
          <CopyText value={revealed} label={t.passphraseTitle} />
          <Button size="xs" variant="subtle" onClick={() => setRevealed(null)}>
            {t.hide}
          </Button>
        </Group>
      ) : null}
      <Group gap="xs">
        {canSecrets && member.hasPassphrase && !revealed ? (
          <Button
            variant="default"
            loading={busy}
            title={t.revealNote}
            onClick={async () => {
              const r = await run(() => reveal(vars));
              if (r) setRevealed(r.revealMemberPassphrase ?? '');
            }}
          >
            {t.reveal}
          </Button>
        ) : null}
        {canWrite && member.status !== 'DELETED' ? (
          <>
            <ConfirmButton
              variant="light"
              color="orange"
              label={t.rotate}
              question={t.rotateConfirm}
              onConfirm={async () => {
                if (await run(() => rotate(vars))) {
                  setRevealed(null);
                  onNotice(t.rotated);
                }
              }}
            />
            <Button variant="subtle" onClick={() => setSetting(true)}>
              {t.setOwn}
            </Button>
          </>
        ) : null}
      </Group>
      {canSecrets ? (
        <Text size="xs" c="dimmed" mt="xs">
          {t.revealNote}
        </Text>
      ) : null}
      <Modal opened={setting} onClose={() => setSetting(false)} title={t.setOwn}>
        <form onSubmit={submit} noValidate>
          <ErrorAlert error={error} />
          <Stack>
            <PasswordInput
              label={t.newPassphrase}
              description={t.newPassphraseHint}
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              error={fieldError(error, 'passphrase')}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={busy}>
                {strings.common.save}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Paper>
  );
}

const KINDS: GrantKind[] = ['MANUAL', 'VISITOR', 'MEMBERSHIP', 'DESK_BOOKING', 'ROOM_BOOKING', 'CHECK_IN'];

function Grants({ member }: { member: MemberDetail }) {
  const canWrite = useCanWrite('members') && member.status !== 'DELETED';
  const [adding, setAdding] = useState(false);
  const { run, error } = useAction();
  const refetch = { refetchQueries: ['Member', 'MemberAccess'] };
  const [update] = useMutation(UPDATE_GRANT, refetch);
  const [remove] = useMutation(DELETE_GRANT, refetch);
  return (
    <>
      <Group justify="space-between" mt="lg">
        <SectionTitle>{t.grantsTitle}</SectionTitle>
        {canWrite ? (
          <Button size="xs" onClick={() => setAdding(true)}>
            {t.addGrant}
          </Button>
        ) : null}
      </Group>
      <ErrorAlert error={error} />
      {member.grants.length === 0 ? (
        <Empty>{t.noGrants}</Empty>
      ) : (
        <DataTable
          minWidth={700}
          columns={[t.colKind, t.colLocation, t.colStarts, t.colEnds, t.colNote, canWrite && '']}
        >
          {member.grants.map((g) => (
            <Table.Tr key={g.id}>
              <Table.Td>
                {strings.grantKinds[g.kind]}{' '}
                {g.cancelledAt ? <Badge color="gray">{t.cancelled}</Badge> : null}
              </Table.Td>
              <Table.Td>{g.location?.name ?? strings.common.everyLocation}</Table.Td>
              <Table.Td>{formatDateTime(g.startsAt)}</Table.Td>
              <Table.Td>{g.endsAt ? formatDateTime(g.endsAt) : t.openEnded}</Table.Td>
              <Table.Td>{g.note ?? g.sourceRef ?? ''}</Table.Td>
              {canWrite ? (
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    {!g.endsAt || new Date(g.endsAt) > new Date() ? (
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() =>
                          void run(() =>
                            update({
                              variables: { input: { id: g.id, endsAt: new Date().toISOString() } },
                            }),
                          )
                        }
                      >
                        {t.endGrant}
                      </Button>
                    ) : null}
                    <DeleteButton
                      question={strings.common.areYouSure}
                      onConfirm={() => run(() => remove({ variables: { id: g.id } }))}
                    />
                  </Group>
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </DataTable>
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} title={t.addGrant}>
        {adding ? <AddGrant memberId={member.id} onDone={() => setAdding(false)} /> : null}
      </Modal>
    </>
  );
}

function AddGrant({ memberId, onDone }: { memberId: string; onDone: () => void }) {
  const locations = useLocationOptions();
  const [kind, setKind] = useState<string | null>('MANUAL');
  const [locationId, setLocationId] = useState<string | null>(null);
  const [startsAt, setStartsAt] = useState(() => isoToLocalInput(new Date().toISOString()));
  const [endsAt, setEndsAt] = useState('');
  const [note, setNote] = useState('');
  const { run, error, busy } = useAction();
  const [create] = useMutation(CREATE_GRANT, { refetchQueries: ['Member', 'MemberAccess'] });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const r = await run(() =>
      create({
        variables: {
          input: {
            memberId,
            kind: (kind ?? 'MANUAL') as GrantKind,
            locationId,
            startsAt: localInputToIso(startsAt) ?? new Date().toISOString(),
            endsAt: localInputToIso(endsAt),
            note: note.trim() || null,
          },
        },
      }),
    );
    if (r) onDone();
  }
  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} />
      <Stack>
        <Select
          label={t.kind}
          data={KINDS.map((k) => ({ value: k, label: strings.grantKinds[k]! }))}
          value={kind}
          onChange={setKind}
          allowDeselect={false}
        />
        <Select
          label={t.colLocation}
          clearable
          placeholder={strings.common.everyLocation}
          data={locations}
          value={locationId}
          onChange={setLocationId}
        />
        <TextInput
          type="datetime-local"
          label={t.startsAt}
          value={startsAt}
          onChange={(e) => setStartsAt(e.currentTarget.value)}
          error={fieldError(error, 'startsAt')}
        />
        <TextInput
          type="datetime-local"
          label={t.endsAt}
          value={endsAt}
          onChange={(e) => setEndsAt(e.currentTarget.value)}
          error={fieldError(error, 'endsAt')}
        />
        <TextInput label={t.note} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t.addGrant}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Groups({ member }: { member: MemberDetail }) {
  const canWrite = useCanWrite('members') && member.status !== 'DELETED';
  const options = useGroupOptions();
  const [ids, setIds] = useState(member.groups.map((g) => g.id));
  const { run, error, busy } = useAction();
  const [update] = useMutation(UPDATE_MEMBER, { refetchQueries: ['MemberAccess'] });
  const merged = [
    ...options,
    ...member.groups
      .filter((g) => !options.some((o) => o.value === g.id))
      .map((g) => ({ value: g.id, label: g.name })),
  ];
  return (
    <>
      <SectionTitle>{t.groupsTitle}</SectionTitle>
      <ErrorAlert error={error} />
      {canWrite ? (
        <Group align="flex-end">
          <MultiSelect label={t.editGroups} data={merged} value={ids} onChange={setIds} searchable w={420} />
          <Button
            variant="light"
            loading={busy}
            onClick={() => void run(() => update({ variables: { input: { id: member.id, groupIds: ids } } }))}
          >
            {t.saveGroups}
          </Button>
        </Group>
      ) : member.groups.length ? (
        <Group gap="xs">
          {member.groups.map((g) => (
            <Badge key={g.id} variant="light">
              {g.name}
              {g.vlanId ? ` · VLAN ${g.vlanId}` : ''}
            </Badge>
          ))}
        </Group>
      ) : (
        <Empty>{t.noGroups}</Empty>
      )}
    </>
  );
}

function RecentSessions({ memberId }: { memberId: string }) {
  const { data } = useQuery(SESSIONS, { variables: { filter: { memberId }, first: 10 } });
  if (!data?.radiusSessions.nodes.length) return null;
  return (
    <>
      <SectionTitle>{t.sessionsTitle}</SectionTitle>
      <Table.ScrollContainer minWidth={600}>
        <Table>
          <Table.Tbody>
            {data.radiusSessions.nodes.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{formatDateTime(s.startedAt)}</Table.Td>
                <Table.Td>{s.nasClient?.name ?? strings.common.none}</Table.Td>
                <Table.Td>{s.callingStationId}</Table.Td>
                <Table.Td>
                  {formatBytes(s.outputOctets)} / {formatBytes(s.inputOctets)}
                </Table.Td>
                <Table.Td>
                  {s.open ? strings.sessions.open : strings.sessions.ended(s.terminateCause ?? '?')}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
