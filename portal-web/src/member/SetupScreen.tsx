import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Screen } from '../components/Screen';
import { strings } from '../strings';
import { CREATE_PROFILE_DOWNLOAD, type PortalMe, type ProfileKind } from './documents';
import { commonMessage, errorCode } from './errors';
import { SsidPicker } from './HomeScreen';
import type { PassphraseState } from './MemberArea';
import { WifiQrCode } from './QrCode';

const t = strings.setup;

/** Starts a file download from a same-origin URL (the session cookie goes with it). */
function startDownload(url: string) {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function SetupScreen({ me, passphrase }: { me: PortalMe; passphrase: PassphraseState }) {
  const ssids = me.location.ssids;
  const [ssid, setSsid] = useState(ssids[0] ?? '');
  const [message, setMessage] = useState('');
  const [create, creating] = useMutation(CREATE_PROFILE_DOWNLOAD);

  async function download(kind: ProfileKind) {
    if (creating.loading) return;
    setMessage(t.preparing);
    try {
      const r = await create({ variables: { kind, ssid: ssid || null } });
      const url = r.data?.createProfileDownload.url;
      if (!url) throw new Error('no url');
      startDownload(url);
      setMessage(t.downloadStarted);
    } catch (err) {
      const code = errorCode(err) ?? 'UNKNOWN';
      setMessage(code === 'NETWORK' || code === 'UNKNOWN' ? t.downloadFailed : commonMessage(code));
    }
  }

  return (
    <Screen title={t.title} place={me.location.name}>
      <p>{t.intro}</p>
      <SsidPicker ssids={ssids} value={ssid} onChange={setSsid} label={t.ssidChoice} />
      <p role="status" className="live">
        {message}
      </p>
      <section aria-labelledby="setup-apple">
        <h2 id="setup-apple">{t.apple}</h2>
        <ol>
          {t.appleSteps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        <button type="button" onClick={() => void download('APPLE_MOBILECONFIG')}>
          {t.appleButton}
        </button>
      </section>
      <section aria-labelledby="setup-windows">
        <h2 id="setup-windows">{t.windows}</h2>
        <ol>
          {t.windowsSteps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        <button type="button" onClick={() => void download('WINDOWS_WLAN_XML')}>
          {t.windowsButton}
        </button>
      </section>
      <section aria-labelledby="setup-android">
        <h2 id="setup-android">{t.android}</h2>
        <ol>
          {t.androidSteps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        {ssid && me.hasPassphrase ? (
          passphrase.value ? (
            <WifiQrCode ssid={ssid} passphrase={passphrase.value} label={strings.home.qrAlt(ssid)} />
          ) : (
            <button type="button" className="secondary" onClick={() => void passphrase.reveal()}>
              {strings.home.reveal}
            </button>
          )
        ) : null}
      </section>
      <section aria-labelledby="setup-other">
        <h2 id="setup-other">{t.other}</h2>
        <p>{t.otherSteps(ssid, me.username)}</p>
      </section>
    </Screen>
  );
}
