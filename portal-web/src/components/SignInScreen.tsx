import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { requestMagicLink, type PortalLocation, type RequestOutcome } from '../magic-link';
import { strings } from '../strings';
import { Screen } from './Screen';

const t = strings.signIn;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type SignInState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'sent'; email: string }
  | { kind: 'error'; message: string; field: boolean };

/** Words for a failed request; null when the request went through. */
export function requestProblem(outcome: RequestOutcome): { message: string; field: boolean } | null {
  switch (outcome.kind) {
    case 'sent':
      return null;
    case 'invalid':
      return { message: t.emailInvalid, field: true };
    case 'rateLimited':
      return { message: t.rateLimited, field: false };
    case 'unknownLocation':
      return { message: t.unknownLocation, field: false };
    case 'network':
      return { message: t.network, field: false };
    case 'unavailable':
      return { message: t.failed('UNAVAILABLE'), field: false };
    case 'failed':
      return { message: t.failed(outcome.code), field: false };
  }
}

/**
 * `/portal/<slug>`: ask for a sign-in link by email. The answer is the same whether or not the
 * email belongs to a member. `notice` explains why the visitor is here (e.g. an expired link).
 */
export function SignInScreen({
  location,
  notice,
  initial = { kind: 'idle' },
  request = requestMagicLink,
}: {
  location: PortalLocation;
  notice?: { title: string; body: string } | null;
  initial?: SignInState;
  request?: typeof requestMagicLink;
}) {
  const [email, setEmail] = useState('');
  const [state, setState] = useState<SignInState>(initial);
  const ids = useId();
  const sentHeading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (state.kind === 'sent') sentHeading.current?.focus();
  }, [state.kind]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (state.kind === 'sending') return;
    const value = email.trim();
    if (!value || !EMAIL_RE.test(value)) {
      setState({ kind: 'error', message: value ? t.emailInvalid : t.emailMissing, field: true });
      input.current?.focus();
      return;
    }
    setState({ kind: 'sending' });
    const outcome = await request(location.slug, value).catch((): RequestOutcome => ({ kind: 'network' }));
    const problem = requestProblem(outcome);
    setState(problem ? { kind: 'error', ...problem } : { kind: 'sent', email: value });
  }

  if (state.kind === 'sent') {
    return (
      <Screen title={t.checkTitle} place={location.name}>
        <div role="status">
          <h2 ref={sentHeading} tabIndex={-1} className="visually-hidden">
            {t.checkTitle}
          </h2>
          <p className="status status--ok">{t.sent(state.email)}</p>
        </div>
        <button type="button" className="secondary" onClick={() => setState({ kind: 'idle' })}>
          {t.again}
        </button>
      </Screen>
    );
  }

  const fieldError = state.kind === 'error' && state.field ? state.message : null;
  const formError = state.kind === 'error' && !state.field ? state.message : null;
  const sending = state.kind === 'sending';
  const errorId = `${ids}-error`;
  const hintId = `${ids}-hint`;

  return (
    <Screen
      title={notice ? notice.title : t.pageTitle}
      heading={notice ? notice.title : t.title(location.name)}
      place={location.name}
    >
      {notice ? <p className="status status--error">{notice.body}</p> : <p>{t.intro}</p>}
      <form onSubmit={submit} noValidate aria-busy={sending || undefined}>
        <label htmlFor={`${ids}-email`}>{t.email}</label>
        <p id={hintId} className="hint">
          {t.emailHint}
        </p>
        {fieldError ? (
          <p id={errorId} className="field-error">
            {fieldError}
          </p>
        ) : null}
        <input
          ref={input}
          id={`${ids}-email`}
          name="email"
          type="email"
          inputMode="email"
          autoComplete="email"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? `${errorId} ${hintId}` : hintId}
        />
        <button type="submit" aria-disabled={sending || undefined}>
          {sending ? t.sending : t.submit}
        </button>
      </form>
      <div className={formError ? 'status status--error' : undefined} role="alert">
        {formError}
      </div>
      <div className="visually-hidden" role="status">
        {fieldError}
      </div>
    </Screen>
  );
}
