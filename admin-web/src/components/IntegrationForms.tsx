import { useMutation } from '@apollo/client/react';
import {
  Accordion,
  Alert,
  Button,
  Group,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import {
  CREATE_INTEGRATION,
  INTEGRATIONS,
  RECONNECT_INTEGRATION,
  type IntegrationDetail,
  type IntegrationKind,
  type SyncRunRow,
} from '../graphql-integrations';
import { credentialsFor, missingCredentials } from '../integrations';
import { strings } from '../strings';
import { fieldError } from '../errors';
import { ErrorAlert, localProblems, useAction } from './ui';

const t = strings.integrations;
const EMPTY = { email: '', password: '', totp: '', clientId: '', clientSecret: '' };
type CredentialForm = typeof EMPTY;

/** The sign-in fields of a platform: Nexudus email/password/TOTP, Andcards client id/secret. */
function CredentialFields({
  kind,
  value,
  onChange,
  error,
}: {
  kind: IntegrationKind;
  value: CredentialForm;
  onChange: (v: CredentialForm) => void;
  error: Parameters<typeof fieldError>[0];
}) {
  const set = (k: keyof CredentialForm) => (e: { currentTarget: { value: string } }) =>
    onChange({ ...value, [k]: e.currentTarget.value });
  if (kind === 'NEXUDUS')
    return (
      <>
        <TextInput
          label={t.email}
          type="email"
          required
          autoComplete="off"
          value={value.email}
          onChange={set('email')}
          error={fieldError(error, 'credentials.email')}
        />
        <PasswordInput
          label={t.password}
          description={t.passwordNote}
          required
          autoComplete="new-password"
          value={value.password}
          onChange={set('password')}
          error={fieldError(error, 'credentials.password')}
        />
        <TextInput
          label={t.totp}
          inputMode="numeric"
          autoComplete="one-time-code"
          value={value.totp}
          onChange={set('totp')}
          error={fieldError(error, 'credentials.totp')}
        />
      </>
    );
  return (
    <>
      <Text size="sm" c="dimmed">
        {t.andcardsNote}
      </Text>
      <TextInput
        label={t.clientId}
        required
        autoComplete="off"
        spellCheck={false}
        value={value.clientId}
        onChange={set('clientId')}
        error={fieldError(error, 'credentials.clientId')}
      />
      <PasswordInput
        label={t.clientSecret}
        required
        autoComplete="new-password"
        value={value.clientSecret}
        onChange={set('clientSecret')}
        error={fieldError(error, 'credentials.clientSecret')}
      />
    </>
  );
}

function checkCredentials(kind: IntegrationKind, form: CredentialForm) {
  const credentials = credentialsFor(kind, form);
  const fields: Record<string, string[]> = {};
  for (const k of missingCredentials(kind, credentials)) fields[k] = [t.missing];
  return { credentials, fields };
}

/** Connects a platform; the API signs in once, stores only tokens, and starts the first sync. */
export function ConnectIntegrationForm({
  onConnected,
}: {
  onConnected: (integration: IntegrationDetail, run: SyncRunRow | null) => void;
}) {
  const [kind, setKind] = useState<IntegrationKind>('NEXUDUS');
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [form, setForm] = useState(EMPTY);
  const { run, error, setError, busy } = useAction();
  const [create] = useMutation(CREATE_INTEGRATION, { refetchQueries: [{ query: INTEGRATIONS }] });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const { credentials, fields } = checkCredentials(kind, form);
    if (!name.trim()) fields.name = [t.missing];
    const local = localProblems(fields);
    if (local) return setError(local);
    const r = await run(() =>
      create({
        variables: {
          input: {
            kind,
            name: name.trim(),
            credentials,
            ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
            ...(webhookSecret.trim() ? { webhookSecret: webhookSecret.trim() } : {}),
          },
        },
      }),
    );
    if (r) {
      setForm(EMPTY); // the password does not stay in memory longer than needed
      onConnected(r.createIntegration.integration, r.createIntegration.run);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={t.add}>
      <ErrorAlert error={error} />
      <Stack>
        <div>
          <Text size="sm" fw={500} mb={4} id="integration-kind">
            {t.kind}
          </Text>
          <SegmentedControl
            aria-labelledby="integration-kind"
            value={kind}
            onChange={(v) => setKind(v as IntegrationKind)}
            data={[
              { value: 'NEXUDUS', label: t.kinds.NEXUDUS! },
              { value: 'ANDCARDS', label: t.kinds.ANDCARDS! },
            ]}
          />
        </div>
        <TextInput
          label={t.name}
          description={t.nameHint}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(error, 'name')}
        />
        <CredentialFields kind={kind} value={form} onChange={setForm} error={error} />
        <Accordion variant="contained">
          <Accordion.Item value="advanced">
            <Accordion.Control>{t.advanced}</Accordion.Control>
            <Accordion.Panel>
              <Stack>
                <TextInput
                  label={t.baseUrl}
                  description={t.baseUrlHint}
                  type="url"
                  spellCheck={false}
                  value={baseUrl}
                  onChange={(e) => setBaseUrl(e.currentTarget.value)}
                  error={fieldError(error, 'baseUrl')}
                />
                <PasswordInput
                  label={t.webhookSecret}
                  description={t.webhookSecretHint}
                  autoComplete="off"
                  value={webhookSecret}
                  onChange={(e) => setWebhookSecret(e.currentTarget.value)}
                  error={fieldError(error, 'webhookSecret')}
                />
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t.connect}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Signs in to the platform again after it stopped accepting Lanyard's tokens. */
export function ReconnectForm({ integration }: { integration: IntegrationDetail }) {
  const [form, setForm] = useState(EMPTY);
  const [done, setDone] = useState(false);
  const { run, error, setError, busy } = useAction();
  const [reconnect] = useMutation(RECONNECT_INTEGRATION);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const { credentials, fields } = checkCredentials(integration.kind, form);
    const local = localProblems(fields);
    if (local) return setError(local);
    const r = await run(() => reconnect({ variables: { input: { id: integration.id, credentials } } }));
    if (r) {
      setForm(EMPTY);
      setDone(true);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={t.reconnectTitle}>
      <Stack>
        <Text>{t.reconnectIntro}</Text>
        <ErrorAlert error={error} />
        {done ? (
          <Alert color="green" role="status">
            {t.reconnected}
          </Alert>
        ) : null}
        <CredentialFields kind={integration.kind} value={form} onChange={setForm} error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t.reconnect}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
