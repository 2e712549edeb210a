import { useApolloClient, useMutation } from '@apollo/client/react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Screen } from '../components/Screen';
import { strings } from '../strings';
import { ConfirmDialog } from './ConfirmDialog';
import {
  CHECK_PASSPHRASE,
  ME,
  ROTATE_MY_PASSPHRASE,
  SET_MY_PASSPHRASE,
  type PassphraseCheck,
  type PortalMe,
} from './documents';
import { commonMessage, errorCode } from './errors';
import type { PassphraseState } from './MemberArea';

const t = strings.passphrase;

export const problemText = (code: string): string => t.problems[code] ?? t.unknownProblem(code);

/** Asks the API how strong `value` is, once typing has paused. */
function useStrength(value: string): { check: PassphraseCheck | null; checking: boolean } {
  const client = useApolloClient();
  const [state, setState] = useState<{ for: string; check: PassphraseCheck | null }>({
    for: '',
    check: null,
  });
  useEffect(() => {
    if (!value) return;
    let live = true;
    const timer = setTimeout(() => {
      client
        .query({ query: CHECK_PASSPHRASE, variables: { passphrase: value }, fetchPolicy: 'no-cache' })
        .then((r) => live && r.data && setState({ for: value, check: r.data.checkPassphrase }))
        .catch(() => live && setState({ for: value, check: null }));
    }, 350);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, value]);
  const current = value && state.for === value ? state.check : null;
  return { check: current, checking: !!value && state.for !== value };
}

export function StrengthMeter({
  check,
  checking,
  describedBy,
}: {
  check: PassphraseCheck | null;
  checking: boolean;
  describedBy: string;
}) {
  const score = check ? Math.max(0, Math.min(4, check.score)) : 0;
  const level = t.strengthLevels[score]!;
  return (
    <div className="strength" id={describedBy}>
      <meter
        min={0}
        max={4}
        low={2}
        high={3}
        optimum={4}
        value={check ? score : 0}
        aria-label={t.strength}
        aria-valuetext={check ? level : undefined}
      />
      <p aria-live="polite" className="hint">
        {checking ? t.checking : check ? t.strengthValue(level) : ''}
      </p>
      {check && check.problems.length ? (
        <ul className="field-error">
          {check.problems.map((p) => (
            <li key={p}>{problemText(p)}</li>
          ))}
        </ul>
      ) : check?.acceptable ? (
        <p className="hint">{t.acceptable}</p>
      ) : null}
    </div>
  );
}

export function PassphraseScreen({ me, passphrase }: { me: PortalMe; passphrase: PassphraseState }) {
  const ids = useId();
  const [own, setOwn] = useState('');
  const [showOwn, setShowOwn] = useState(false);
  const [confirm, setConfirm] = useState<null | 'generate' | 'set'>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const { check, checking } = useStrength(own);
  const [rotate, rotating] = useMutation(ROTATE_MY_PASSPHRASE, { refetchQueries: [ME] });
  const [setMine, setting] = useMutation(SET_MY_PASSPHRASE, { refetchQueries: [ME] });
  const busy = rotating.loading || setting.loading;

  async function apply() {
    if (busy) return;
    try {
      const value =
        confirm === 'generate'
          ? (await rotate()).data?.rotateMyPassphrase.passphrase
          : (await setMine({ variables: { passphrase: own } })).data?.setMyPassphrase.passphrase;
      setConfirm(null);
      if (value) {
        passphrase.replace(value);
        setResult(value);
        setOwn('');
      }
      setFieldError(null);
      setMessage({ tone: 'ok', text: t.done });
    } catch (err) {
      setConfirm(null);
      const code = errorCode(err) ?? 'UNKNOWN';
      if (code === 'PASSPHRASE_INVALID') setFieldError(t.invalid);
      else if (code === 'PASSPHRASE_IN_USE') setFieldError(t.inUse);
      else setMessage({ tone: 'error', text: commonMessage(code) });
    }
  }

  function submitOwn(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    if (!own) {
      setFieldError(problemText('PASSPHRASE_TOO_SHORT'));
      return;
    }
    setFieldError(null);
    setConfirm('set');
  }

  const inputId = `${ids}-own`;
  return (
    <Screen title={t.title} place={me.location.name}>
      <p>{t.intro}</p>
      <div role="status" className={message ? `status status--${message.tone}` : 'live'}>
        {message?.text}
      </div>
      {result ? (
        <p className="new-passphrase">
          {t.newIs}: <code data-testid="new-passphrase">{result}</code>
        </p>
      ) : null}
      <section aria-labelledby={`${ids}-gen`}>
        <h2 id={`${ids}-gen`}>{t.generateHeading}</h2>
        <button type="button" onClick={() => (setMessage(null), setConfirm('generate'))}>
          {t.generate}
        </button>
      </section>
      <section aria-labelledby={`${ids}-ownh`}>
        <h2 id={`${ids}-ownh`}>{t.ownHeading}</h2>
        <form onSubmit={submitOwn} noValidate>
          <label htmlFor={inputId}>{t.label}</label>
          <div id={`${ids}-rules`}>
            <p className="hint">{t.rulesHeading}:</p>
            <ul className="hint rules">
              {t.rules.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
          {fieldError ? (
            <p id={`${ids}-error`} className="field-error" role="alert">
              {fieldError}
            </p>
          ) : null}
          <input
            id={inputId}
            type={showOwn ? 'text' : 'password'}
            autoComplete="new-password"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={200}
            value={own}
            onChange={(e) => setOwn(e.target.value)}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={`${fieldError ? `${ids}-error ` : ''}${ids}-rules ${ids}-strength`}
          />
          <label className="checkbox">
            <input type="checkbox" checked={showOwn} onChange={(e) => setShowOwn(e.target.checked)} />{' '}
            {t.show}
          </label>
          <StrengthMeter check={check} checking={checking} describedBy={`${ids}-strength`} />
          <button type="submit">{t.save}</button>
        </form>
      </section>
      <ConfirmDialog
        open={confirm !== null}
        title={t.confirmTitle}
        body={t.confirmBody}
        confirmLabel={confirm === 'set' ? t.confirmSet : t.confirmGenerate}
        busy={busy}
        onConfirm={() => void apply()}
        onCancel={() => setConfirm(null)}
      />
    </Screen>
  );
}
