import { useMutation, useQuery } from '@apollo/client/react';
import { useMemo, useState, type FormEvent } from 'react';
import { describeError, needsSignIn, type Described } from '../errors';
import { CREATE_LOCATION, LOCATIONS, type AdminSummary, type LocationRow } from '../graphql';
import { PageHeading } from '../router';
import { parseSsids, slugify, SLUG_RE } from '../slug';
import { strings } from '../strings';
import { ErrorSummary, localProblems } from './ErrorSummary';
import { TextAreaField, TextField } from './Field';
import { Loading, LiveStatus } from './Status';
import { SubmitButton } from './SubmitButton';

const t = strings.locations;

export function LocationsPage({ admin, onSessionLost }: { admin: AdminSummary; onSessionLost: () => void }) {
  const { data, error, refetch } = useQuery(LOCATIONS);
  const canWrite = admin.role !== 'VIEWER';

  return (
    <>
      <PageHeading title={strings.documentTitle(t.title)}>{t.title}</PageHeading>
      <p className="lede">{t.intro}</p>
      {data ? (
        <LocationTable locations={data.locations} />
      ) : error ? (
        <LoadError
          error={error}
          onRetry={() => void refetch().catch(() => undefined)}
          onSessionLost={onSessionLost}
        />
      ) : (
        <Loading />
      )}
      {canWrite ? <CreateLocationForm onSessionLost={onSessionLost} /> : <p className="note">{t.readOnly}</p>}
    </>
  );
}

function LoadError({
  error,
  onRetry,
  onSessionLost,
}: {
  error: unknown;
  onRetry: () => void;
  onSessionLost: () => void;
}) {
  const described = describeError(error);
  const lost = needsSignIn(error);
  return (
    <ErrorSummary error={described}>
      <button type="button" className="button button--secondary" onClick={lost ? onSessionLost : onRetry}>
        {lost ? strings.errors.signInAgain : strings.common.retry}
      </button>
    </ErrorSummary>
  );
}

function LocationTable({ locations }: { locations: LocationRow[] }) {
  if (locations.length === 0) return <p className="empty">{t.empty}</p>;
  return (
    <div className="table-scroll" role="region" aria-labelledby="locations-caption" tabIndex={0}>
      <table>
        <caption id="locations-caption">{t.listCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.colName}</th>
            <th scope="col">{t.colSlug}</th>
            <th scope="col">{t.colTimezone}</th>
            <th scope="col">{t.colSsids}</th>
            <th scope="col">{t.colPortal}</th>
          </tr>
        </thead>
        <tbody>
          {locations.map((l) => (
            <tr key={l.id}>
              <th scope="row">{l.name}</th>
              <td>
                <code>{l.slug}</code>
              </td>
              <td>{l.timezone}</td>
              <td>{l.ssids.length ? l.ssids.join(', ') : <span className="muted">{t.noSsids}</span>}</td>
              <td>
                <a href={l.portalUrl}>{l.portalUrl}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function CreateLocationForm({ onSessionLost }: { onSessionLost: () => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [ssidsText, setSsidsText] = useState('');
  const [error, setError] = useState<Described | null>(null);
  const [status, setStatus] = useState('');
  const zones = useMemo(timeZones, []);
  const [createLocation, { loading }] = useMutation(CREATE_LOCATION, {
    refetchQueries: [{ query: LOCATIONS }],
    awaitRefetchQueries: true,
  });

  const shownSlug = slugEdited ? slug : slugify(name);
  const portalPreview = `${window.location.origin}/portal/${shownSlug || '…'}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (loading) return;
    setStatus('');
    const input = {
      name: name.trim(),
      slug: shownSlug.trim(),
      timezone: timezone.trim(),
      ssids: parseSsids(ssidsText),
    };
    const fields: Record<string, string[]> = {};
    if (!input.name) fields.name = [t.missing];
    if (!input.slug) fields.slug = [t.missing];
    else if (!SLUG_RE.test(input.slug)) fields.slug = [t.slugInvalid];
    if (!input.timezone) fields.timezone = [t.missing];
    const local = localProblems(fields);
    setError(local);
    if (local) return;
    try {
      const result = await createLocation({ variables: { input } });
      if (result.error) throw result.error;
      setName('');
      setSlug('');
      setSlugEdited(false);
      setSsidsText('');
      setStatus(t.created(result.data?.createLocation.location.name ?? input.name));
    } catch (err) {
      if (needsSignIn(err)) onSessionLost();
      else setError(describeError(err));
    }
  }

  return (
    <section className="panel" aria-labelledby="create-location-title">
      <h2 id="create-location-title">{t.formTitle}</h2>
      <ErrorSummary error={error} />
      <form onSubmit={submit} noValidate>
        <TextField
          label={t.name}
          name="name"
          required
          autoComplete="off"
          hint={t.nameHint}
          value={name}
          onChange={(e) => setName(e.target.value)}
          errors={error?.fields.name}
        />
        <TextField
          label={t.slug}
          name="slug"
          required
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={63}
          hint={t.slugHint(portalPreview)}
          value={shownSlug}
          onChange={(e) => {
            setSlugEdited(true);
            setSlug(e.target.value);
          }}
          errors={error?.fields.slug}
        />
        <TextField
          label={t.timezone}
          name="timezone"
          required
          autoComplete="off"
          spellCheck={false}
          list={zones.length ? 'timezone-options' : undefined}
          hint={t.timezoneHint}
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
          errors={error?.fields.timezone}
        />
        {zones.length ? (
          <datalist id="timezone-options">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        ) : null}
        <TextAreaField
          label={t.ssids}
          name="ssids"
          rows={3}
          spellCheck={false}
          hint={t.ssidsHint}
          value={ssidsText}
          onChange={(e) => setSsidsText(e.target.value)}
          errors={error?.fields.ssids}
        />
        <SubmitButton busy={loading}>{t.submit}</SubmitButton>
      </form>
      <LiveStatus>{status}</LiveStatus>
    </section>
  );
}
