import { useMutation } from '@apollo/client/react';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Screen } from '../components/Screen';
import { formatDateTime, usableTimeZone } from '../format';
import { normalizeMac } from '../mac';
import { strings } from '../strings';
import { ConfirmDialog } from './ConfirmDialog';
import { ADD_MY_DEVICE, ME, REMOVE_MY_DEVICE, type PortalDevice, type PortalMe } from './documents';
import { commonMessage, errorCode } from './errors';

const t = strings.devices;

const deviceLabel = (d: PortalDevice) => (d.name ? `${d.name} (${d.macAddress})` : d.macAddress);

export function DevicesScreen({ me, now = new Date() }: { me: PortalMe; now?: Date }) {
  const ids = useId();
  const zone = usableTimeZone(me.timezone);
  const [mac, setMac] = useState('');
  const [name, setName] = useState('');
  const [macError, setMacError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [removing, setRemoving] = useState<PortalDevice | null>(null);
  const macInput = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [add, adding] = useMutation(ADD_MY_DEVICE, { refetchQueries: [ME], awaitRefetchQueries: true });
  const [remove, removingState] = useMutation(REMOVE_MY_DEVICE, {
    refetchQueries: [ME],
    awaitRefetchQueries: true,
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (adding.loading) return;
    setMessage(null);
    const normalized = normalizeMac(mac);
    if (!normalized) {
      setMacError(mac.trim() ? t.macInvalid : t.macMissing);
      macInput.current?.focus();
      return;
    }
    setMacError(null);
    try {
      await add({ variables: { input: { macAddress: normalized, name: name.trim() || null } } });
      setMac('');
      setName('');
      setMessage({ tone: 'ok', text: t.added(normalized) });
    } catch (err) {
      const code = errorCode(err) ?? 'UNKNOWN';
      if (code === 'VALIDATION_FAILED') {
        setMacError(t.macInvalid);
        macInput.current?.focus();
      } else
        setMessage({
          tone: 'error',
          text:
            code === 'ALREADY_EXISTS'
              ? t.alreadyExists
              : code === 'DEVICE_LIMIT_REACHED'
                ? t.limitReached
                : commonMessage(code),
        });
    }
  }

  async function confirmRemove() {
    if (!removing || removingState.loading) return;
    const label = deviceLabel(removing);
    try {
      await remove({ variables: { deviceId: removing.id } });
      setMessage({ tone: 'ok', text: t.removed(label) });
    } catch (err) {
      setMessage({ tone: 'error', text: commonMessage(errorCode(err) ?? 'UNKNOWN') });
    }
    setRemoving(null);
    // The row (and its button) is gone: continue from the list's heading.
    heading.current?.focus();
  }

  return (
    <Screen title={t.title} place={me.location.name}>
      <p>{t.intro}</p>
      <div role="status" className={message ? `status status--${message.tone}` : 'live'}>
        {message?.text}
      </div>
      <h2 ref={heading} tabIndex={-1}>
        {t.caption}
      </h2>
      {me.devices.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <ul className="devices">
          {me.devices.map((d) => (
            <li key={d.id} className="device">
              <p className="device-name">{d.name || t.unnamed}</p>
              <dl className="facts">
                <dt>{t.mac}</dt>
                <dd>
                  <code>{d.macAddress}</code>
                </dd>
                <dt>{t.learned}</dt>
                <dd>{t.learnedBy[d.learnedBy] ?? d.learnedBy}</dd>
                <dt>{t.lastSeen}</dt>
                <dd>{d.lastSeenAt ? formatDateTime(new Date(d.lastSeenAt), zone, now) : t.never}</dd>
              </dl>
              <button
                type="button"
                className="secondary"
                onClick={() => setRemoving(d)}
                aria-label={t.remove(deviceLabel(d))}
              >
                {t.removeShort}
              </button>
            </li>
          ))}
        </ul>
      )}
      <section aria-labelledby={`${ids}-add`}>
        <h2 id={`${ids}-add`}>{t.addHeading}</h2>
        <form onSubmit={submit} noValidate aria-busy={adding.loading || undefined}>
          <label htmlFor={`${ids}-mac`}>{t.macLabel}</label>
          <p id={`${ids}-mac-hint`} className="hint">
            {t.macHint}
          </p>
          {macError ? (
            <p id={`${ids}-mac-error`} className="field-error">
              {macError}
            </p>
          ) : null}
          <input
            ref={macInput}
            id={`${ids}-mac`}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            value={mac}
            onChange={(e) => setMac(e.target.value)}
            aria-invalid={macError ? true : undefined}
            aria-describedby={macError ? `${ids}-mac-error ${ids}-mac-hint` : `${ids}-mac-hint`}
          />
          <label htmlFor={`${ids}-name`}>{t.nameLabel}</label>
          <p id={`${ids}-name-hint`} className="hint">
            {t.nameHint}
          </p>
          <input
            id={`${ids}-name`}
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby={`${ids}-name-hint`}
          />
          <button type="submit" aria-disabled={adding.loading || undefined}>
            {adding.loading ? t.adding : t.add}
          </button>
        </form>
        <div className="visually-hidden" role="alert">
          {macError}
        </div>
      </section>
      <ConfirmDialog
        open={removing !== null}
        title={t.confirmTitle}
        body={removing ? t.confirmBody(deviceLabel(removing)) : ''}
        confirmLabel={t.confirmRemove}
        busy={removingState.loading}
        onConfirm={() => void confirmRemove()}
        onCancel={() => setRemoving(null)}
      />
    </Screen>
  );
}
