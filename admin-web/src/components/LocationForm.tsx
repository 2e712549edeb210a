import { useMutation } from '@apollo/client/react';
import {
  Button,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { fieldError } from '../errors';
import { CREATE_LOCATION, LOCATIONS, UPDATE_LOCATION, type LocationRow } from '../graphql';
import { slugify, SLUG_RE } from '../slug';
import { strings } from '../strings';
import { ErrorAlert, localProblems, useAction } from './ui';

const t = strings.locations;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  } catch {
    return 'UTC';
  }
}
function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}
const num = (v: string | number): number | null => (typeof v === 'number' ? v : null);

/** Create (no `location`) or edit a location. */
export function LocationForm({
  location,
  onSaved,
}: {
  location?: LocationRow;
  onSaved: (l: LocationRow) => void;
}) {
  const [name, setName] = useState(location?.name ?? '');
  const [slug, setSlug] = useState(location?.slug ?? '');
  const [slugEdited, setSlugEdited] = useState(!!location);
  const [timezone, setTimezone] = useState<string | null>(location?.timezone ?? browserTimeZone());
  const [ssids, setSsids] = useState<string[]>(location?.ssids ?? []);
  const [defaultVlan, setDefaultVlan] = useState<string | number>(location?.defaultVlanId ?? '');
  const [poolStart, setPoolStart] = useState<string | number>(location?.vlanPoolStart ?? '');
  const [poolEnd, setPoolEnd] = useState<string | number>(location?.vlanPoolEnd ?? '');
  const [primaryColor, setPrimaryColor] = useState(location?.branding.primaryColor ?? '');
  const [logoUrl, setLogoUrl] = useState(location?.branding.logoUrl ?? '');
  const [welcomeText, setWelcomeText] = useState(location?.branding.welcomeText ?? '');
  const zones = useMemo(timeZones, []);
  const { run, error, setError, busy } = useAction();
  const opts = { refetchQueries: [{ query: LOCATIONS }], awaitRefetchQueries: true };
  const [create] = useMutation(CREATE_LOCATION, opts);
  const [update] = useMutation(UPDATE_LOCATION, opts);

  const shownSlug = slugEdited ? slug : slugify(name);
  const portalPreview = `${window.location.origin}/portal/${shownSlug || '…'}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const input = {
      name: name.trim(),
      slug: shownSlug.trim(),
      timezone: timezone ?? '',
      ssids,
      defaultVlanId: num(defaultVlan),
      vlanPoolStart: num(poolStart),
      vlanPoolEnd: num(poolEnd),
      branding: {
        primaryColor: primaryColor.trim() || null,
        accentColor: location?.branding.accentColor ?? null,
        logoUrl: logoUrl.trim() || null,
        welcomeText: welcomeText.trim() || null,
      },
    };
    const fields: Record<string, string[]> = {};
    if (!input.name) fields.name = [t.missing];
    if (!input.slug) fields.slug = [t.missing];
    else if (!SLUG_RE.test(input.slug)) fields.slug = [t.slugInvalid];
    if (!input.timezone) fields.timezone = [t.missing];
    const local = localProblems(fields);
    if (local) return setError(local);
    const saved = location
      ? (await run(() => update({ variables: { input: { id: location.id, ...input } } })))?.updateLocation
          .location
      : (await run(() => create({ variables: { input } })))?.createLocation.location;
    if (saved) onSaved(saved);
  }

  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} />
      <Stack>
        <TextInput
          label={t.name}
          description={t.nameHint}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(error, 'name')}
        />
        <TextInput
          label={t.slug}
          description={t.slugHint(portalPreview)}
          required
          spellCheck={false}
          autoCapitalize="none"
          maxLength={63}
          value={shownSlug}
          onChange={(e) => {
            setSlugEdited(true);
            setSlug(e.currentTarget.value);
          }}
          error={fieldError(error, 'slug')}
        />
        <Select
          label={t.timezone}
          description={t.timezoneHint}
          required
          searchable
          data={zones}
          value={timezone}
          onChange={setTimezone}
          limit={50}
          error={fieldError(error, 'timezone')}
        />
        <TagsInput
          label={t.ssids}
          description={t.ssidsHint}
          value={ssids}
          onChange={setSsids}
          error={fieldError(error, 'ssids')}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput
            label={t.defaultVlan}
            min={1}
            max={4094}
            value={defaultVlan}
            onChange={setDefaultVlan}
            error={fieldError(error, 'defaultVlanId')}
          />
          <NumberInput
            label={t.vlanPoolStart}
            description={t.vlanPoolHint}
            min={1}
            max={4094}
            value={poolStart}
            onChange={setPoolStart}
            error={fieldError(error, 'vlanPoolStart')}
          />
          <NumberInput
            label={t.vlanPoolEnd}
            min={1}
            max={4094}
            value={poolEnd}
            onChange={setPoolEnd}
            error={fieldError(error, 'vlanPoolEnd')}
          />
        </SimpleGrid>
        {location ? (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t.primaryColor}
                placeholder="#4c6ef5"
                value={primaryColor}
                onChange={(e) => setPrimaryColor(e.currentTarget.value)}
                error={fieldError(error, 'branding.primaryColor')}
              />
              <TextInput
                label={t.logoUrl}
                value={logoUrl}
                onChange={(e) => setLogoUrl(e.currentTarget.value)}
                error={fieldError(error, 'branding.logoUrl')}
              />
            </SimpleGrid>
            <Textarea
              label={t.welcomeText}
              value={welcomeText}
              onChange={(e) => setWelcomeText(e.currentTarget.value)}
              autosize
              minRows={2}
            />
          </>
        ) : null}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {location ? strings.common.save : t.add}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
