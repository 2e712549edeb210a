import { useMutation, useQuery } from '@apollo/client/react';
import { Button, Code, Group, NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { CREATE_NAS, LOCATIONS, NAS_CLIENTS, type NasRow, type NasVendor } from '../graphql';
import { configSnippet, radiusServerFrom, VENDORS, type Vendor } from '../snippets';
import { strings } from '../strings';
import { fieldError } from '../errors';
import { CopyText, ErrorAlert, localProblems, SecretValue, useAction } from './ui';

const t = strings.accessPoints;
export const vendorOptions = VENDORS.map((v) => ({ value: v, label: t.vendors[v] ?? v }));

/** Adds an access point; the generated secret comes back once, with `onCreated`. */
export function NasForm({
  locationId,
  onCreated,
}: {
  locationId?: string;
  onCreated: (nas: NasRow, secret: string) => void;
}) {
  const locations = useQuery(LOCATIONS);
  const [name, setName] = useState('');
  const [location, setLocation] = useState<string | null>(locationId ?? null);
  const [ipAddress, setIp] = useState('');
  const [vendor, setVendor] = useState<string | null>('hostapd');
  const [coaPort, setCoa] = useState<string | number>(3799);
  const [requireMa, setRequireMa] = useState(true);
  const { run, error, setError, busy } = useAction();
  const [create] = useMutation(CREATE_NAS, { refetchQueries: [{ query: NAS_CLIENTS }] });
  const chosenLocation =
    location ?? (locations.data?.locations.length === 1 ? locations.data.locations[0]!.id : null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const fields: Record<string, string[]> = {};
    if (!name.trim()) fields.name = [strings.locations.missing];
    if (!ipAddress.trim()) fields.ipAddress = [strings.locations.missing];
    if (!chosenLocation) fields.locationId = [strings.locations.missing];
    const local = localProblems(fields);
    if (local) return setError(local);
    const r = await run(() =>
      create({
        variables: {
          input: {
            name: name.trim(),
            locationId: chosenLocation!,
            ipAddress: ipAddress.trim(),
            vendor: (vendor ?? 'generic') as NasVendor,
            coaPort: typeof coaPort === 'number' ? coaPort : null,
            requireMessageAuthenticator: requireMa,
          },
        },
      }),
    );
    if (r) onCreated(r.createNasClient.nasClient, r.createNasClient.secret);
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
        {locationId ? null : (
          <Select
            label={t.location}
            required
            data={(locations.data?.locations ?? []).map((l) => ({ value: l.id, label: l.name }))}
            value={chosenLocation}
            onChange={setLocation}
            error={fieldError(error, 'locationId')}
          />
        )}
        <TextInput
          label={t.ipAddress}
          description={t.ipHint}
          required
          spellCheck={false}
          value={ipAddress}
          onChange={(e) => setIp(e.currentTarget.value)}
          error={fieldError(error, 'ipAddress')}
        />
        <Select
          label={t.vendor}
          data={vendorOptions}
          value={vendor}
          onChange={setVendor}
          allowDeselect={false}
        />
        <NumberInput
          label={t.coaPort}
          description={t.coaHint}
          min={1}
          max={65535}
          value={coaPort}
          onChange={setCoa}
          error={fieldError(error, 'coaPort')}
        />
        <Switch
          label={t.requireMa}
          checked={requireMa}
          onChange={(e) => setRequireMa(e.currentTarget.checked)}
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

/** The secret (shown once) and a configuration snippet for the access point's vendor. */
export function SecretAndSnippet({ nas, secret, ssid }: { nas: NasRow; secret: string; ssid?: string }) {
  const [server, setServer] = useState(() => radiusServerFrom(window.location));
  const [vendor, setVendor] = useState<string | null>(nas.vendor);
  const snippet = configSnippet({
    vendor: (vendor ?? nas.vendor) as Vendor,
    server,
    secret,
    coaPort: nas.coaPort,
    ssid,
  });
  return (
    <Stack>
      <SecretValue label={t.secretTitle} value={secret} note={t.secretOnce} />
      <Group grow align="flex-start">
        <TextInput
          label={t.server}
          description={t.serverHint}
          value={server}
          onChange={(e) => setServer(e.currentTarget.value)}
        />
        <Select
          label={t.vendor}
          data={vendorOptions}
          value={vendor}
          onChange={setVendor}
          allowDeselect={false}
        />
      </Group>
      <Group justify="space-between">
        <Text fw={600}>{t.snippetTitle}</Text>
        <CopyText value={snippet.body} label={t.snippetTitle} />
      </Group>
      <Code block aria-label={t.snippetTitle} style={{ whiteSpace: 'pre-wrap' }}>
        {snippet.body}
      </Code>
    </Stack>
  );
}
