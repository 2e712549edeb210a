import { useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useState } from 'react';
import { HealthBadge, RunStatusBadge, runCountsText } from '../components/IntegrationBits';
import { ReconnectForm } from '../components/IntegrationForms';
import { IntegrationSettingsForm } from '../components/IntegrationSettingsForm';
import { LoadMore } from '../components/LoadMore';
import { DataTable } from '../components/DataTable';
import {
  ConfirmButton,
  CopyText,
  Empty,
  ErrorAlert,
  Loading,
  PageTitle,
  QueryError,
  SectionTitle,
  useAction,
  useCanWrite,
} from '../components/ui';
import { useLocationOptions } from '../components/useLocations';
import { formatDateTime } from '../format';
import {
  DELETE_INTEGRATION,
  INTEGRATION,
  INTEGRATIONS,
  REMAP_LOCATION,
  RUN_SYNC,
  SYNC_RUNS,
  UPDATE_INTEGRATION,
  WEBHOOK_DELIVERIES,
  type IntegrationDetail,
} from '../graphql-integrations';
import { Link, navigate } from '../router';
import type { Route } from '../routes';
import { strings } from '../strings';

const t = strings.integrations;
const PAGE = 20;

export default function IntegrationPage({ route }: { route: Route }) {
  const id = route.name === 'integration' ? route.id : '';
  const { data, error, refetch } = useQuery(INTEGRATION, { variables: { id } });
  const integration = data?.integration;
  return (
    <>
      <Anchor component={Link} to={{ name: 'integrations' }} size="sm">
        ← {t.back}
      </Anchor>
      {integration ? (
        <Detail integration={integration} />
      ) : error ? (
        <>
          <PageTitle title={t.title} />
          <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
        </>
      ) : (
        <Loading />
      )}
    </>
  );
}

function Detail({ integration: i }: { integration: IntegrationDetail }) {
  const canWrite = useCanWrite('integrations');
  const action = useAction();
  const [runSync] = useMutation(RUN_SYNC);
  const [update] = useMutation(UPDATE_INTEGRATION);
  const [remove] = useMutation(DELETE_INTEGRATION, { refetchQueries: [{ query: INTEGRATIONS }] });

  async function sync(mode: 'FULL' | 'INCREMENTAL') {
    const r = await action.run(() => runSync({ variables: { integrationId: i.id, mode } }));
    if (r) navigate({ name: 'syncRun', id: r.runSync.id });
  }

  return (
    <>
      <PageTitle
        title={i.name}
        intro={t.kinds[i.kind]}
        actions={
          canWrite ? (
            <Group gap="xs">
              <Button onClick={() => void sync('FULL')} loading={action.busy} disabled={!i.enabled}>
                {t.syncNow}
              </Button>
              <Button variant="default" onClick={() => void sync('INCREMENTAL')} disabled={!i.enabled}>
                {t.syncIncremental}
              </Button>
              {i.enabled ? (
                <ConfirmButton
                  variant="default"
                  color="orange"
                  label={t.disable}
                  question={t.disableConfirm}
                  onConfirm={() =>
                    action.run(() => update({ variables: { input: { id: i.id, enabled: false } } }))
                  }
                />
              ) : (
                <Button
                  variant="default"
                  onClick={() =>
                    void action.run(() => update({ variables: { input: { id: i.id, enabled: true } } }))
                  }
                >
                  {t.enable}
                </Button>
              )}
              <ConfirmButton
                variant="subtle"
                color="red"
                label={strings.common.delete}
                question={t.deleteConfirm}
                onConfirm={async () => {
                  const r = await action.run(() => remove({ variables: { id: i.id } }));
                  if (r) navigate({ name: 'integrations' });
                }}
              />
            </Group>
          ) : undefined
        }
        readOnly={!canWrite}
      />
      <ErrorAlert error={action.error} />

      <SectionTitle>{t.healthTitle}</SectionTitle>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Group gap="xs">
            <HealthBadge health={i.status} />
            {i.enabled ? null : (
              <Badge color="gray" variant="outline">
                {t.disabledBadge}
              </Badge>
            )}
          </Group>
          <Text size="sm">{i.lastSyncAt ? t.lastSyncAt(formatDateTime(i.lastSyncAt)) : t.neverSynced}</Text>
          {i.tokenExpiresAt ? (
            <Text size="sm">{t.tokenExpires(formatDateTime(i.tokenExpiresAt))}</Text>
          ) : null}
          {i.lastError ? (
            <Alert color="red" title={t.lastError}>
              {i.lastError}
            </Alert>
          ) : null}
          {i.warnings.map((w) => (
            <Alert key={w.code} color="orange" title={t.warningTitle}>
              {t.warnings[w.code]?.(w.count) ?? w.message}
            </Alert>
          ))}
          {i.status === 'NEEDS_RECONNECT' && canWrite ? <ReconnectForm integration={i} /> : null}
        </Stack>
      </Paper>

      <SectionTitle>{t.webhooksTitle}</SectionTitle>
      <Webhooks integration={i} canWrite={canWrite} />

      <SectionTitle>{t.runsTitle}</SectionTitle>
      <Runs integrationId={i.id} />

      <SectionTitle>{t.settingsTitle}</SectionTitle>
      <Paper withBorder p="md">
        <IntegrationSettingsForm integration={i} readOnly={!canWrite} />
      </Paper>

      <SectionTitle>{t.mappingsTitle}</SectionTitle>
      <Mappings integration={i} canWrite={canWrite} />

      <SectionTitle>{t.deliveriesTitle}</SectionTitle>
      <Deliveries integrationId={i.id} />
    </>
  );
}

function Webhooks({ integration: i, canWrite }: { integration: IntegrationDetail; canWrite: boolean }) {
  const [secret, setSecret] = useState('');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const [update] = useMutation(UPDATE_INTEGRATION);
  // Read-only roles get no URLs: their token is a credential.
  const endpoints = i.webhookEndpoints.length
    ? i.webhookEndpoints
    : i.webhookUrl
      ? [{ event: '*', url: i.webhookUrl }]
      : [];
  async function saveSecret(value: string) {
    setSaved(false);
    const r = await action.run(() => update({ variables: { input: { id: i.id, webhookSecret: value } } }));
    if (r) {
      setSecret('');
      setSaved(true);
    }
  }
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Text size="sm">{endpoints.length ? t.webhooksIntro : t.webhooksHidden}</Text>
        {endpoints.length ? (
          <Table.ScrollContainer minWidth={600}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t.webhookEvent}</Table.Th>
                  <Table.Th>{t.webhookUrl}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {endpoints.map((e) => (
                  <Table.Tr key={e.event + e.url}>
                    <Table.Td>{e.event === '*' ? t.webhookAll : e.event}</Table.Td>
                    <Table.Td>
                      <Code style={{ wordBreak: 'break-all' }}>{e.url}</Code>
                    </Table.Td>
                    <Table.Td>
                      <CopyText
                        value={e.url}
                        label={`${t.webhookUrl} ${e.event === '*' ? t.webhookAll : e.event}`}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
        <Text size="sm" c={i.hasWebhookSecret ? undefined : 'orange.8'}>
          {i.hasWebhookSecret ? t.secretSet : t.secretNotSet}
        </Text>
        {canWrite ? (
          <>
            <ErrorAlert error={action.error} />
            <Group align="flex-end">
              <PasswordInput
                label={t.webhookSecret}
                description={t.webhookSecretHint}
                autoComplete="off"
                value={secret}
                onChange={(e) => {
                  setSaved(false);
                  setSecret(e.currentTarget.value);
                }}
                style={{ flex: 1 }}
              />
              <Button
                onClick={() => void saveSecret(secret.trim())}
                disabled={!secret.trim()}
                loading={action.busy}
              >
                {t.secretSave}
              </Button>
              {i.hasWebhookSecret ? (
                <ConfirmButton
                  variant="subtle"
                  color="red"
                  label={t.secretRemove}
                  question={t.secretNotSet}
                  onConfirm={() => saveSecret('')}
                />
              ) : null}
            </Group>
            {saved ? (
              <Text size="sm" c="green.8" role="status">
                {t.secretSaved}
              </Text>
            ) : null}
          </>
        ) : null}
      </Stack>
    </Paper>
  );
}

function Runs({ integrationId }: { integrationId: string }) {
  const { data, error, refetch, fetchMore, loading } = useQuery(SYNC_RUNS, {
    variables: { integrationId, first: PAGE },
    pollInterval: 10_000,
    notifyOnNetworkStatusChange: true,
  });
  if (!data)
    return error ? (
      <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
    ) : (
      <Loading />
    );
  const runs = data.syncRuns;
  if (runs.nodes.length === 0) return <Empty>{t.noRuns}</Empty>;
  return (
    <>
      <DataTable
        minWidth={800}
        label={t.runsTitle}
        columns={[t.colStarted, t.colTrigger, t.colStatus, t.colCounts, '']}
      >
        {runs.nodes.map((r) => (
          <Table.Tr key={r.id}>
            <Table.Td>{formatDateTime(r.startedAt ?? r.createdAt)}</Table.Td>
            <Table.Td>{t.triggers[r.trigger] ?? r.trigger}</Table.Td>
            <Table.Td>
              <RunStatusBadge status={r.status} />
            </Table.Td>
            <Table.Td>{runCountsText(r)}</Table.Td>
            <Table.Td>
              <Anchor component={Link} to={{ name: 'syncRun', id: r.id }}>
                {t.open}
              </Anchor>
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      <LoadMore data={data} field="syncRuns" loading={loading} fetchMore={fetchMore} />
    </>
  );
}

function Mappings({ integration: i, canWrite }: { integration: IntegrationDetail; canWrite: boolean }) {
  const locations = useLocationOptions();
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const [remap] = useMutation(REMAP_LOCATION);
  if (i.locationMappings.length === 0) return <Empty>{t.noMappings}</Empty>;
  return (
    <Paper withBorder p="md">
      <Text size="sm" mb="sm">
        {t.mappingsIntro}
      </Text>
      <ErrorAlert error={action.error} />
      {saved ? (
        <Text size="sm" c="green.8" role="status">
          {t.remapped}
        </Text>
      ) : null}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t.colExternal}</Table.Th>
            <Table.Th>{t.colLocation}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {i.locationMappings.map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>
                {m.externalName ?? m.externalId} <Code>{m.externalId}</Code>
              </Table.Td>
              <Table.Td>
                {canWrite ? (
                  <Select
                    aria-label={`${t.colLocation}: ${m.externalName ?? m.externalId}`}
                    data={locations}
                    value={m.location.id}
                    allowDeselect={false}
                    onChange={(locationId) => {
                      if (!locationId || locationId === m.location.id) return;
                      setSaved(false);
                      void action
                        .run(() => remap({ variables: { input: { mappingId: m.id, locationId } } }))
                        .then((r) => r && setSaved(true));
                    }}
                  />
                ) : (
                  m.location.name
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function Deliveries({ integrationId }: { integrationId: string }) {
  const { data, error, refetch, fetchMore, loading } = useQuery(WEBHOOK_DELIVERIES, {
    variables: { integrationId, first: PAGE },
    notifyOnNetworkStatusChange: true,
  });
  if (!data)
    return error ? (
      <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
    ) : (
      <Loading />
    );
  const d = data.webhookDeliveries;
  if (d.nodes.length === 0) return <Empty>{t.noDeliveries}</Empty>;
  return (
    <>
      <DataTable
        minWidth={800}
        label={t.deliveriesTitle}
        columns={[t.colReceived, t.colEvent, t.colVerified, t.colOutcome, t.colRun]}
      >
        {d.nodes.map((w) => (
          <Table.Tr key={w.id}>
            <Table.Td>{formatDateTime(w.createdAt)}</Table.Td>
            <Table.Td>{w.event}</Table.Td>
            <Table.Td>{w.verified ? strings.common.yes : strings.common.no}</Table.Td>
            <Table.Td>
              {w.outcome}
              {w.error ? (
                <Text size="xs" c="red.8">
                  {w.error}
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>
              {w.syncRun ? (
                <Anchor component={Link} to={{ name: 'syncRun', id: w.syncRun.id }}>
                  <RunStatusBadge status={w.syncRun.status} />
                </Anchor>
              ) : (
                strings.common.none
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      <LoadMore data={data} field="webhookDeliveries" loading={loading} fetchMore={fetchMore} />
    </>
  );
}
