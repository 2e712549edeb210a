import { useEffect, useId, useState, type FormEvent } from 'react';
import { requestMagicLink, type RequestOutcome } from '../magic-link';
import { strings } from '../strings';

const t = strings.location;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type State =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'done'; outcome: RequestOutcome; email: string }
  | { kind: 'localError'; message: string };

function outcomeMessage(outcome: RequestOutcome, email: string): { text: string; tone: 'ok' | 'error' } {
  switch (outcome.kind) {
    case 'sent':
      return { text: t.sent(email), tone: 'ok' };
    case 'unavailable':
      return { text: t.unavailable, tone: 'error' };
    case 'invalid':
      return {
        text:
          outcome.problems.some((p) => p.field === 'email') || outcome.problems.length === 0
            ? t.emailInvalid
            : outcome.problems.map((p) => p.message).join(' '),
        tone: 'error',
      };
    case 'rateLimited':
      return { text: t.rateLimited, tone: 'error' };
    case 'unknownLocation':
      return { text: t.unknownLocation, tone: 'error' };
    case 'network':
      return { text: t.network, tone: 'error' };
    case 'failed':
      return { text: t.failed(outcome.code), tone: 'error' };
  }
}

/** `/portal/<slug>`: ask for a sign-in link by email. */
export function LocationPage({ slug }: { slug: string }) {
  const [email, setEmail] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const ids = useId();
  const hintId = `${ids}-hint`;
  const errorId = `${ids}-error`;

  useEffect(() => {
    document.title = strings.documentTitle(slug);
  }, [slug]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (state.kind === 'sending') return;
    const value = email.trim();
    if (!value || !EMAIL_RE.test(value)) {
      setState({ kind: 'localError', message: value ? t.emailInvalid : t.emailMissing });
      return;
    }
    setState({ kind: 'sending' });
    const outcome = await requestMagicLink(slug, value).catch((): RequestOutcome => ({ kind: 'network' }));
    setState({ kind: 'done', outcome, email: value });
  }

  const fieldError =
    state.kind === 'localError'
      ? state.message
      : state.kind === 'done' && state.outcome.kind === 'invalid'
        ? outcomeMessage(state.outcome, state.email).text
        : null;
  const status =
    state.kind === 'done' && state.outcome.kind !== 'invalid'
      ? outcomeMessage(state.outcome, state.email)
      : null;
  const sending = state.kind === 'sending';

  return (
    <main className="card">
      <p className="brand" aria-hidden="true">
        {strings.brand}
      </p>
      <h1>{t.title(slug)}</h1>
      <p>{t.intro}</p>
      <form onSubmit={submit} noValidate>
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
      <div className={status ? `status status--${status.tone}` : 'status'} role="status" aria-live="polite">
        {/* Field errors are shown at the field and announced here once. */}
        {status ? status.text : fieldError ? <span className="visually-hidden">{fieldError}</span> : null}
      </div>
    </main>
  );
}
