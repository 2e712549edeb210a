import { useId, useState } from 'react';
import { strings } from '../strings';
import { copyText } from './clipboard';
import type { PassphraseState } from './MemberArea';

const t = strings.home;

/** The passphrase, hidden until revealed, with a copy button; feedback goes to a live region. */
export function PassphraseBox({
  passphrase,
  hasPassphrase,
}: {
  passphrase: PassphraseState;
  hasPassphrase: boolean;
}) {
  const ids = useId();
  const [message, setMessage] = useState('');
  if (!hasPassphrase) return <p>{t.noPassphrase}</p>;

  async function copy() {
    const value = passphrase.value ?? (await passphrase.reveal());
    if (!value) return;
    setMessage('');
    const ok = await copyText(value);
    setMessage(ok ? t.copied : t.copyFailed);
  }

  const shown = passphrase.value;
  return (
    <div className="passphrase">
      <p className="label" id={`${ids}-label`}>
        {t.passphrase}
      </p>
      <p className="secret" aria-labelledby={`${ids}-label`} id={`${ids}-value`}>
        {shown !== null ? (
          <code data-testid="passphrase">{shown}</code>
        ) : (
          <>
            <span aria-hidden="true">••••••••••••</span>
            <span className="visually-hidden">{t.passphraseHidden}</span>
          </>
        )}
      </p>
      <div className="actions">
        <button
          type="button"
          aria-controls={`${ids}-value`}
          aria-expanded={shown !== null}
          aria-disabled={passphrase.loading || undefined}
          onClick={() => (shown !== null ? passphrase.hide() : void passphrase.reveal())}
        >
          {passphrase.loading ? t.revealing : shown !== null ? t.hide : t.reveal}
        </button>
        <button type="button" className="secondary" onClick={() => void copy()}>
          {t.copy}
        </button>
      </div>
      <p role="status" className="live">
        {passphrase.error ?? message}
      </p>
    </div>
  );
}
