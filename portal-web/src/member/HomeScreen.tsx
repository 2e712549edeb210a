import { useId, useState } from 'react';
import { describeAccess } from '../access';
import { Screen } from '../components/Screen';
import { formatDay, usableTimeZone } from '../format';
import { strings } from '../strings';
import type { PortalMe } from './documents';
import type { PassphraseState } from './MemberArea';
import { PassphraseBox } from './PassphraseBox';
import { WifiQrCode } from './QrCode';

const t = strings.home;

export function SsidPicker({
  ssids,
  value,
  onChange,
  label,
}: {
  ssids: string[];
  value: string;
  onChange: (s: string) => void;
  label: string;
}) {
  const id = useId();
  if (ssids.length < 2) return null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {ssids.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
    </div>
  );
}

export function HomeScreen({
  me,
  passphrase,
  now,
}: {
  me: PortalMe;
  passphrase: PassphraseState;
  now: Date;
}) {
  const zone = usableTimeZone(me.timezone);
  const access = describeAccess(me.access, zone, now);
  const ssids = me.location.ssids;
  const [ssid, setSsid] = useState(ssids[0] ?? '');
  return (
    <Screen title={t.title} place={me.location.name}>
      <p>{t.greeting(me.fullName || me.email)}</p>
      <section aria-labelledby="access-heading">
        <h2 id="access-heading">{t.accessHeading}</h2>
        <p className={`status status--${access.tone === 'ok' ? 'ok' : 'error'}`} data-testid="access">
          {access.text}
        </p>
        {access.tone === 'warn' ? <p className="hint">{strings.access.fixHint}</p> : null}
      </section>
      <section aria-labelledby="wifi-heading">
        <h2 id="wifi-heading">{t.networks(ssids.length)}</h2>
        {ssids.length ? (
          <ul className="ssids">
            {ssids.map((s) => (
              <li key={s}>
                <strong>{s}</strong>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t.noNetworks}</p>
        )}
        <dl className="facts">
          <dt>{t.username}</dt>
          <dd>
            <code>{me.username}</code>
          </dd>
        </dl>
        <PassphraseBox passphrase={passphrase} hasPassphrase={me.hasPassphrase} />
        {me.passphraseUpdatedAt ? (
          <p className="hint">{t.updatedAt(formatDay(new Date(me.passphraseUpdatedAt), zone, now))}</p>
        ) : null}
      </section>
      {ssids.length && me.hasPassphrase ? (
        <section aria-labelledby="qr-heading">
          <h2 id="qr-heading">{t.qrTitle}</h2>
          <SsidPicker ssids={ssids} value={ssid} onChange={setSsid} label={t.ssidChoice} />
          {passphrase.value ? (
            <>
              <p className="hint">{t.qrHint}</p>
              <WifiQrCode ssid={ssid} passphrase={passphrase.value} label={t.qrAlt(ssid)} />
            </>
          ) : (
            <p className="hint">{t.qrNeedsReveal}</p>
          )}
        </section>
      ) : null}
    </Screen>
  );
}
